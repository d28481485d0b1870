import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended profile: 19 MiB memory, 2 passes, 1 lane. About 7 ms
 * per hash on one core of the CI machine (bench/auth.bench.ts): slow enough to make offline guessing costly,
 * fast enough that login stays far below request timeouts. Raise memoryCost before timeCost.
 */
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum in the package's types, absent at runtime)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Verified against when an email is unknown, so both failures cost the same time. */
  private readonly dummyHash = hash('not-a-real-password-just-for-timing', OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    return verify(passwordHash ?? (await this.dummyHash), password).catch(() => false);
  }
}
