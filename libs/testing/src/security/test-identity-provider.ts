import { randomUUID } from 'node:crypto';
import { JwksServer } from './jwks-server';
import { TEST_AUDIENCE, TEST_ISSUER, TestSigningKey } from './test-tokens';

/**
 * Stands in for the auth service when a service is tested alone: publishes a key set and signs
 * access tokens for whoever the test needs. `env` is what the service under test must be given.
 */
export class TestIdentityProvider {
  private constructor(
    private readonly jwks: JwksServer,
    private readonly key: TestSigningKey,
  ) {}

  static async start(): Promise<TestIdentityProvider> {
    const jwks = await JwksServer.start();
    const key = await TestSigningKey.generate(`test-key-${randomUUID().slice(0, 8)}`);
    jwks.publish(key.jwk);
    return new TestIdentityProvider(jwks, key);
  }

  get env(): { JWT_JWKS_URL: string; JWT_ISSUER: string; JWT_AUDIENCE: string } {
    return { JWT_JWKS_URL: this.jwks.url, JWT_ISSUER: TEST_ISSUER, JWT_AUDIENCE: TEST_AUDIENCE };
  }

  /** An access token for a new customer (or the given user id), with the given roles. */
  token({ userId = randomUUID(), roles = ['customer'] }: { userId?: string; roles?: string[] } = {}) {
    return this.key.sign({ sub: userId, roles });
  }

  close(): Promise<void> {
    return this.jwks.close();
  }
}
