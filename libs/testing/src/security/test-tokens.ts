import { randomUUID } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const TEST_ISSUER = 'https://auth.shopflow.test';
export const TEST_AUDIENCE = 'shopflow';

type Algorithm = 'EdDSA' | 'ES256' | 'RS256';

/** Claims on top of the defaults; a claim set to `undefined` is left out. */
export type Claims = Record<string, unknown>;

export const nowSec = (): number => Math.floor(Date.now() / 1000);

/** What the auth service puts in an access token. */
export function accessTokenClaims(overrides: Claims = {}): Claims {
  const now = nowSec();
  const claims: Claims = {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: randomUUID(),
    roles: ['customer'],
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** A signing key as the auth service holds one: its public half published as a JWK with kid, alg and use. */
export class TestSigningKey {
  private constructor(
    readonly kid: string,
    readonly alg: Algorithm,
    private readonly privateKey: CryptoKey,
    readonly jwk: JWK,
  ) {}

  static async generate(kid: string, alg: Algorithm = 'EdDSA'): Promise<TestSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    return new TestSigningKey(kid, alg, privateKey, jwk);
  }

  /** `header.kid: undefined` signs without a key id; another kid pretends to be a different key. */
  sign(overrides: Claims = {}, header: { kid?: string | undefined } = { kid: this.kid }): Promise<string> {
    return new SignJWT(accessTokenClaims(overrides))
      .setProtectedHeader({
        alg: this.alg,
        typ: 'JWT',
        ...(header.kid === undefined ? {} : { kid: header.kid }),
      })
      .sign(this.privateKey);
  }
}

/** The classic forgery: a token that declares it needs no signature. */
export function unsignedToken(overrides: Claims = {}): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(accessTokenClaims(overrides))}.`;
}

/** Signed with a shared secret, naming a real key: the RS/HS confusion attack if HS256 were allowed. */
export function hs256Token(kid: string, overrides: Claims = {}): Promise<string> {
  return new SignJWT(accessTokenClaims(overrides))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
    .sign(new TextEncoder().encode('a-shared-secret-that-only-the-attacker-knows'));
}

/** The token with its payload changed after signing; the signature is left as it was. */
export function withTamperedPayload(token: string, change: (claims: Claims) => Claims): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as Claims;
  return [header, base64url.encode(JSON.stringify(change(claims))), signature].join('.');
}
