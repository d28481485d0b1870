import { JwtVerifier, type JwtVerifierOptions } from './jwt-verifier';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';
import {
  hs256Token,
  JwksServer,
  moveClockForward,
  nowSec,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
  unsignedToken,
  withTamperedPayload,
} from '@shopflow/testing';
import { TokenRejectedError, type TokenRejectionReason } from './token-rejected.error';

describe('JwtVerifier', () => {
  let jwks: JwksServer;
  let key: TestSigningKey;
  let verifier: JwtVerifier;

  const newVerifier = (options: Partial<JwtVerifierOptions> = {}) =>
    new JwtVerifier({ jwksUrl: jwks.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ...options });

  async function rejection(token: string, by = verifier): Promise<TokenRejectionReason> {
    const error: unknown = await by.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof TokenRejectedError)) throw new Error(`expected a rejection, got ${String(error)}`);
    // The message is ours, never the library's: no claim values, key ids or error codes.
    expect(error.message).toBe(`access token rejected: ${error.reason}`);
    return error.reason;
  }

  beforeAll(async () => {
    jwks = await JwksServer.start();
    key = await TestSigningKey.generate('key-1');
  });
  afterAll(() => jwks.close());
  beforeEach(() => {
    jwks.reset();
    jwks.publish(key.jwk);
    // A verifier per test: each starts with an empty key cache.
    verifier = newVerifier();
  });
  afterEach(() => jest.useRealTimers());

  it('returns the user a valid token vouches for', async () => {
    const exp = nowSec() + 120;
    const sub = '6f1c2a3e-8b7d-4f0a-9c1e-2d3b4a5c6d7e';
    const token = await key.sign({ sub, roles: ['customer', 'admin'], jti: 'token-1', exp });
    await expect(verifier.verify(token)).resolves.toEqual({
      id: sub,
      roles: ['customer', 'admin'],
      tokenId: 'token-1',
      expiresAt: new Date(exp * 1000),
    });
  });

  it.each(['ES256', 'RS256'] as const)('accepts %s keys from the key set as well', async (alg) => {
    const other = await TestSigningKey.generate(`key-${alg}`, alg);
    jwks.publish(other.jwk);
    await expect(verifier.verify(await other.sign())).resolves.toMatchObject({ roles: ['customer'] });
  });

  it('accepts only the algorithms it is configured for', async () => {
    expect(await rejection(await key.sign(), newVerifier({ algorithms: ['ES256'] }))).toBe(
      'algorithm not allowed',
    );
  });

  it('allows clock skew up to the tolerance, and no more', async () => {
    await expect(verifier.verify(await key.sign({ exp: nowSec() - 20 }))).resolves.toBeDefined();
    expect(await rejection(await key.sign({ exp: nowSec() - 40 }))).toBe('expired');
    expect(
      await rejection(await key.sign({ exp: nowSec() - 20 }), newVerifier({ clockToleranceSec: 0 })),
    ).toBe('expired');
    expect(await rejection(await key.sign({ nbf: nowSec() + 60 }))).toBe('not yet valid');
  });

  it.each<[string, () => Promise<string>, TokenRejectionReason]>([
    ['garbage', async () => 'not-a-token', 'malformed'],
    ['three garbage segments', async () => 'a.b.c', 'malformed'],
    ['alg none', async () => unsignedToken(), 'algorithm not allowed'],
    ['HS256 with a secret, naming a real kid', () => hs256Token('key-1'), 'algorithm not allowed'],
    ['another issuer', () => key.sign({ iss: 'https://evil.test' }), 'wrong issuer'],
    ['no issuer', () => key.sign({ iss: undefined }), 'wrong issuer'],
    ['another audience', () => key.sign({ aud: 'another-api' }), 'wrong audience'],
    ['no kid', () => key.sign({}, { kid: undefined }), 'unknown key'],
    ['no sub', () => key.sign({ sub: undefined }), 'invalid claims'],
    ['an empty sub', () => key.sign({ sub: '' }), 'invalid claims'],
    ['no jti', () => key.sign({ jti: undefined }), 'invalid claims'],
    ['no exp', () => key.sign({ exp: undefined }), 'invalid claims'],
    ['no roles', () => key.sign({ roles: undefined }), 'invalid claims'],
    ['roles as a string', () => key.sign({ roles: 'admin' }), 'invalid claims'],
    ['roles with a non-string', () => key.sign({ roles: ['customer', 1] }), 'invalid claims'],
    [
      'a payload changed after signing',
      async () => withTamperedPayload(await key.sign(), (claims) => ({ ...claims, roles: ['admin'] })),
      'invalid signature',
    ],
  ])('rejects a token with %s', async (_case, token, reason) => {
    expect(await rejection(await token())).toBe(reason);
  });

  it('rejects a token from a key that is not published, whatever kid it names', async () => {
    const impostor = await TestSigningKey.generate('key-1');
    expect(await rejection(await impostor.sign())).toBe('invalid signature');
    expect(await rejection(await impostor.sign({}, { kid: 'key-unknown' }))).toBe('unknown key');
  });

  it('fetches the key set once and answers from its cache after that', async () => {
    for (let i = 0; i < 3; i++) await verifier.verify(await key.sign());
    expect(jwks.fetches).toBe(1);
  });

  it('accepts a key published after its first verification on that key’s first use', async () => {
    await verifier.verify(await key.sign());
    const rotated = await TestSigningKey.generate('key-2');
    jwks.publish(rotated.jwk);

    // Within the cooldown an unknown kid is refused without asking the key set again...
    expect(await rejection(await rotated.sign())).toBe('unknown key');
    expect(jwks.fetches).toBe(1);

    // ...after it, the unknown kid makes the verifier fetch the key set again and find the key.
    moveClockForward(31_000);
    await expect(verifier.verify(await rotated.sign({ roles: ['admin'] }))).resolves.toMatchObject({
      roles: ['admin'],
    });
    expect(jwks.fetches).toBe(2);
    await verifier.verify(await key.sign());
    expect(jwks.fetches).toBe(2);
  });

  it('reports an unreachable key set as such, not as a bad token', async () => {
    jwks.unavailable = true;
    const error: unknown = await verifier.verify(await key.sign()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningKeysUnavailableError);
    expect((error as Error).message).toBe('signing keys unavailable');
  });

  it('remembers a verified token, but never past its expiry', async () => {
    const token = await key.sign({ sub: 'user-1', roles: ['customer'], jti: 'token-c', exp: nowSec() + 45 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'user-1' });
    // The same string again: answered from the cache, so even a key withdrawn meanwhile still passes...
    jwks.reset();
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'user-1' });
    // ...but only until the token expires (here beyond the 30 s tolerance too): then it is checked again.
    jwks.publish(key.jwk);
    moveClockForward(80_000);
    expect(await rejection(token)).toBe('expired');
  });

  it('refuses options it cannot honour', () => {
    const bad: [Partial<JwtVerifierOptions>, RegExp][] = [
      [{ algorithms: ['HS256' as 'EdDSA'] }, /algorithm HS256 is not one of EdDSA, ES256, RS256/],
      [{ algorithms: ['none' as 'EdDSA'] }, /algorithm none/],
      [{ algorithms: [] }, /algorithms is empty/],
      [{ issuer: '' }, /issuer is empty/],
      [{ audience: '' }, /audience is empty/],
      [{ clockToleranceSec: -1 }, /clockToleranceSec/],
      [{ jwksUrl: 'not a url' }, /jwksUrl is not a URL/],
    ];
    for (const [options, message] of bad) expect(() => newVerifier(options)).toThrow(message);
  });
});
