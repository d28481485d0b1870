import type { AuthConfig } from './auth.config';

/** The parts of the configuration the use cases need, under names that say what they mean. */
export class AuthSettings {
  readonly adminEmail?: string;
  readonly adminPassword?: string;
  readonly refreshTokenTtlMs: number;
  readonly throttle: { maxPerClient: number; maxPerAccount: number; maxPerAddress: number; windowMs: number };

  constructor(config: AuthConfig) {
    this.adminEmail = config.ADMIN_EMAIL;
    this.adminPassword = config.ADMIN_PASSWORD;
    this.refreshTokenTtlMs = config.REFRESH_TOKEN_TTL_DAYS * 86_400_000;
    this.throttle = {
      maxPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
      maxPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    };
  }
}
