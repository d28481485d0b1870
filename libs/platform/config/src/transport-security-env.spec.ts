import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { databaseTlsFrom, kafkaSecurityFrom, transportSecurityEnv } from './transport-security-env';

const schema = z.object(transportSecurityEnv);
const dir = mkdtempSync(join(tmpdir(), 'transport-security-'));
const ca = join(dir, 'ca.pem');
const secret = join(dir, 'password');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
writeFileSync(secret, 's3cret\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kafka = (env: Record<string, string>) => kafkaSecurityFrom(loadConfig(schema, env));
const database = (env: Record<string, string>) => databaseTlsFrom(loadConfig(schema, env));
const problemsOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('Kafka transport security', () => {
  it('is plaintext when nothing is set', () => {
    expect(kafka({})).toEqual({ ssl: undefined, sasl: undefined });
  });

  it('reads the CA and the password file', () => {
    const security = kafka({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'order',
      KAFKA_SASL_PASSWORD_FILE: secret,
    });
    expect(security.ssl?.ca).toContain('BEGIN CERTIFICATE');
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'order', password: 's3cret' });
  });

  it('names a SASL mechanism without a username, a password or TLS', () => {
    expect(problemsOf(() => kafka({ KAFKA_SASL_MECHANISM: 'plain' }))).toBe(
      'invalid configuration: KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM; ' +
        'KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM; ' +
        'KAFKA_SASL_MECHANISM needs KAFKA_SSL=true',
    );
  });

  it('reports an unreadable CA file as a configuration error, not a stack trace', () => {
    expect(problemsOf(() => kafka({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }))).toBe(
      `invalid configuration: KAFKA_SSL_CA_FILE is invalid: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
    );
  });

  it('rejects files without KAFKA_SSL, half a client certificate, credentials without a mechanism', () => {
    const message = problemsOf(() =>
      kafka({ KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: ca, KAFKA_SASL_USERNAME: 'order' }),
    );
    expect(message).toContain('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
    expect(message).toContain('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be set together');
    expect(message).toContain('KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not');
  });

  it('rejects an unknown mechanism and a password given twice', () => {
    expect(() => loadConfig(schema, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(
      /KAFKA_SASL_MECHANISM is invalid/,
    );
    const both = { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' };
    expect(
      problemsOf(() => kafka({ ...both, KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: secret })),
    ).toBe('invalid configuration: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both');
  });
});

describe('MySQL transport security', () => {
  it('is plaintext by default, TLS with the CA when asked', () => {
    expect(database({})).toBeUndefined();
    expect(database({ DATABASE_SSL: 'true' })).toEqual({ ca: undefined });
    expect(database({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: ca })?.ca).toContain('BEGIN CERTIFICATE');
  });

  it('rejects a CA without DATABASE_SSL and an unreadable CA', () => {
    expect(problemsOf(() => database({ DATABASE_SSL_CA_FILE: ca }))).toBe(
      'invalid configuration: DATABASE_SSL_CA_FILE is set but DATABASE_SSL is not true',
    );
    expect(() => loadConfig(schema, { DATABASE_SSL: 'yes' })).toThrow(/DATABASE_SSL is invalid/);
    expect(problemsOf(() => database({ DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: dir }))).toMatch(
      /DATABASE_SSL_CA_FILE is invalid: cannot read .* \(EISDIR\)/,
    );
  });
});
