import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@shopflow/platform/config';
import { captureLogger } from '@shopflow/testing';
import { authEnv } from '../config/auth.config';
import { loadSigningKeys } from './signing-keys';

const base = { DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/auth', KAFKA_BROKERS: '127.0.0.1:9092' };
const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const ed25519 = () => pkcs8(generateKeyPairSync('ed25519').privateKey);
const p256 = () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);

describe('loadSigningKeys', () => {
  const logger = captureLogger().logger;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'auth-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a development key once and keeps it across restarts', async () => {
    const file = join(dir, 'nested/dev-key.pem');
    const config = loadConfig(authEnv, { ...base, JWT_DEV_KEY_FILE: file });
    const first = await loadSigningKeys(config, logger);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await loadSigningKeys(config, logger);
    expect(second.signer.kid).toBe(first.signer.kid);
    expect(first.signer.alg).toBe('EdDSA');
  });

  it('refuses to start in production without configured keys', async () => {
    const config = loadConfig(authEnv, {
      ...base,
      NODE_ENV: 'production',
      JWT_DEV_KEY_FILE: join(dir, 'k.pem'),
    });
    await expect(loadSigningKeys(config, logger)).rejects.toThrow(
      /JWT_PRIVATE_KEYS or JWT_PRIVATE_KEYS_FILE is required/,
    );
    expect(existsSync(join(dir, 'k.pem'))).toBe(false);
  });

  it('signs with the first configured key and publishes every key, EdDSA and ES256 alike', async () => {
    const config = loadConfig(authEnv, { ...base, JWT_PRIVATE_KEYS: `${p256()}\n${ed25519()}` });
    const keys = await loadSigningKeys(config, logger);
    expect(keys.signer.alg).toBe('ES256');
    expect(keys.jwks.keys.map((k) => k.alg)).toEqual(['ES256', 'EdDSA']);
    expect(keys.jwks.keys[0]!.kid).toBe(keys.signer.kid);
    expect(keys.jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('rejects a value without a private key', async () => {
    const config = loadConfig(authEnv, { ...base, JWT_PRIVATE_KEYS: 'not a key' });
    await expect(loadSigningKeys(config, logger)).rejects.toThrow(/no PKCS#8 PEM private key/);
  });
});
