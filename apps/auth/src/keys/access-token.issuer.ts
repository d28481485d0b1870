import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './signing-keys';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Short-lived access tokens: `sub` is the user id; `roles` is what other services authorise on. */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    private readonly settings: AccessTokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  issue(user: { id: string; roles: readonly string[] }): Promise<string> {
    const { kid, alg, key } = this.keys.signer;
    return new SignJWT({ roles: [...user.roles] })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(key);
  }
}
