import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { TokenPair } from '@shopflow/contracts';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { AuthSettings } from '../config/auth-settings';
import { AccessTokenIssuer } from '../keys/access-token.issuer';
import { PasswordHasher } from '@shopflow/platform/security';
import { normalizeEmail, User } from '../users/user.entity';
import { LoginThrottle, throttleSubjects } from './login-throttle';
import { InvalidCredentials, InvalidRefreshToken, TooManyLoginAttempts } from './session.errors';

interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly settings: AuthSettings,
    @Inject(AccessTokenIssuer) private readonly accessTokens: AccessTokenIssuer,
  ) {}

  async login(email: string, password: string, clientAddress: string): Promise<TokenPair> {
    const normalized = normalizeEmail(email);
    const user = await this.dataSource.getRepository(User).findOneBy({ email: normalized });
    // Counted per user, not per spelling: the email column's collation finds `ádá@…` and `ada@…`
    // alike, so a spelling-keyed counter would give each spelling its own budget.
    const subjects = throttleSubjects(user ? `user:${user.id}` : normalized, clientAddress);
    const wait = await this.throttle.retryAfterSeconds(subjects);
    if (wait > 0) {
      throw new TooManyLoginAttempts(wait);
    }
    // An unknown email still costs one argon2 verification, so timing does not reveal accounts.
    if (!(await this.hasher.verify(user?.passwordHash, password)) || !user) {
      await this.throttle.recordFailure(subjects);
      throw new InvalidCredentials();
    }
    await this.throttle.clearClient(subjects);
    return this.unitOfWork.run((em) => this.issue(em, user, randomUUID()));
  }

  /**
   * Rotation: a refresh token works once. Presenting a spent (or revoked) one means it leaked, so
   * the whole family (every token descended from the same login) is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.unitOfWork.run(async (em): Promise<TokenPair | 'invalid'> => {
      const [row]: RefreshTokenRow[] = await em.query(
        'SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = ? FOR UPDATE',
        [sha256(refreshToken)],
      );
      if (!row) return 'invalid';
      if (row.used_at || row.revoked_at) {
        await this.revokeFamily(em, row.family_id);
        return 'invalid'; // committed: the revocation must stick although the caller gets a 401
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return 'invalid';
      await em.query('UPDATE refresh_token SET used_at = ? WHERE id = ?', [new Date(), row.id]);
      const user = await em.findOneBy(User, { id: row.user_id });
      if (!user) return 'invalid';
      return this.issue(em, user, row.family_id);
    });
    if (outcome === 'invalid') throw new InvalidRefreshToken();
    return outcome;
  }

  /** Revokes the token's family. Unknown tokens are ignored: logout reveals nothing. */
  async logout(refreshToken: string): Promise<void> {
    await this.unitOfWork.run(async (em) => {
      const [row]: { family_id: string }[] = await em.query(
        'SELECT family_id FROM refresh_token WHERE token_hash = ?',
        [sha256(refreshToken)],
      );
      if (row) await this.revokeFamily(em, row.family_id);
    });
  }

  private async revokeFamily(em: EntityManager, familyId: string): Promise<void> {
    await em.query('UPDATE refresh_token SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL', [
      new Date(),
      familyId,
    ]);
  }

  private async issue(em: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    await em.query(
      `INSERT INTO refresh_token (id, family_id, user_id, token_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        familyId,
        user.id,
        sha256(refreshToken),
        new Date(now),
        new Date(now + this.settings.refreshTokenTtlMs),
      ],
    );
    return {
      accessToken: await this.accessTokens.issue(user),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
