import { z } from 'zod';
import { commonEnv, httpPort } from './common-env';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const schema = z.object({ ...commonEnv, ...httpPort(3001) });
const valid = { DATABASE_URL: 'mysql://auth:pw@127.0.0.1:3306/auth', KAFKA_BROKERS: 'a:9092,b:9093' };

describe('loadConfig', () => {
  it('parses a valid environment and applies defaults', () => {
    const config = loadConfig(schema, valid);
    expect(config.HTTP_PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
  });

  it('keeps a service on loopback, trusting no proxy, unless told otherwise', () => {
    const config = loadConfig(schema, valid);
    expect(config.HTTP_HOST).toBe('127.0.0.1');
    expect(config.TRUSTED_PROXIES).toEqual([]);
    expect(config.API_DOCS).toBeUndefined();
  });

  it('reads trusted proxies as addresses and CIDR ranges, and refuses anything else', () => {
    const config = loadConfig(schema, { ...valid, TRUSTED_PROXIES: ' 10.0.0.0/8, 127.0.0.1,::1/128 ' });
    expect(config.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1', '::1/128']);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/8', '*', '::1/129'])
      expect(() => loadConfig(schema, { ...valid, TRUSTED_PROXIES: bad })).toThrow(
        'TRUSTED_PROXIES is invalid: must be a comma-separated list of IP addresses or CIDR ranges',
      );
  });

  it('names a missing variable in one line', () => {
    const { DATABASE_URL: _omit, ...env } = valid;
    expect(() => loadConfig(schema, env)).toThrow(new ConfigError(['DATABASE_URL is required']));
  });

  it('treats an empty value as missing', () => {
    expect(() => loadConfig(schema, { ...valid, KAFKA_BROKERS: '' })).toThrow('KAFKA_BROKERS is required');
  });

  it('names a malformed variable and the problem', () => {
    let error: unknown;
    try {
      loadConfig(schema, { ...valid, HTTP_PORT: 'eighty', KAFKA_BROKERS: 'localhost' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/HTTP_PORT is invalid: .*number/);
    expect(message).toContain('KAFKA_BROKERS is invalid: must be a comma-separated list of host:port');
  });
});
