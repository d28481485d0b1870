import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { Logger } from '@shopflow/platform/observability';
import type { AuthConfig } from '../config/auth.config';

export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export interface SigningKeys {
  /** Signs new tokens: the first configured key. */
  signer: { kid: string; alg: SigningAlgorithm; key: KeyObject };
  /** Every configured key's public half, so tokens signed by a retired key still verify. */
  jwks: { keys: JWK[] };
}

const PEM_BLOCK = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g;

function algorithmOf(key: KeyObject): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new Error(`unsupported signing key type ${type}: use Ed25519, P-256 or RSA >= 2048`);
}

/** A local key for development, generated once and kept, so tokens survive restarts. */
function developmentKey(file: string, logger: Logger): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    logger.warn({ file }, 'generated a development signing key; configure JWT_PRIVATE_KEYS in production');
  }
  return readFileSync(file, 'utf8');
}

export async function loadSigningKeys(config: AuthConfig, logger: Logger): Promise<SigningKeys> {
  let pem =
    config.JWT_PRIVATE_KEYS ??
    (config.JWT_PRIVATE_KEYS_FILE && readFileSync(config.JWT_PRIVATE_KEYS_FILE, 'utf8'));
  if (!pem) {
    if (config.NODE_ENV === 'production')
      throw new Error('JWT_PRIVATE_KEYS or JWT_PRIVATE_KEYS_FILE is required in production');
    pem = developmentKey(config.JWT_DEV_KEY_FILE, logger);
  }
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('JWT_PRIVATE_KEYS holds no PKCS#8 PEM private key');
  const keys = await Promise.all(
    blocks.map(async (block) => {
      const key = createPrivateKey(block);
      const alg = algorithmOf(key);
      const jwk = await exportJWK(createPublicKey(key));
      const kid = await calculateJwkThumbprint(jwk);
      return { key, alg, jwk: { ...jwk, kid, alg, use: 'sig' } };
    }),
  );
  const [first] = keys;
  return {
    signer: { kid: first!.jwk.kid, alg: first!.alg, key: first!.key },
    jwks: { keys: keys.map((k) => k.jwk) },
  };
}
