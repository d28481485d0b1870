import { z } from 'zod';
import { commonEnv, httpPort } from '@shopflow/platform/config';

export const authEnv = z.object({
  ...commonEnv,
  ...httpPort(3001),
  JWT_ISSUER: z.string().min(1).default('shopflow-auth'),
  JWT_AUDIENCE: z.string().min(1).default('shopflow'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /**
   * PEM private key(s). The first signs; every key's public half is published in the JWKS, so a
   * retired key keeps verifying until its tokens expire. Required in production; elsewhere a key
   * is generated once and kept in JWT_DEV_KEY_FILE.
   */
  JWT_PRIVATE_KEYS: z.string().optional(),
  JWT_PRIVATE_KEYS_FILE: z.string().optional(),
  JWT_DEV_KEY_FILE: z.string().default('.local/auth/jwt-dev-signing-key.pem'),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10).max(128).optional(),
  /** Failed logins on one account from one client address; only that pair is refused (ADR 0004). */
  LOGIN_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(5),
  /** Failed logins on one account from all addresses: the backstop against distributed guessing. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(50),
  /** Failed logins from one address on all accounts: credential stuffing, set high for carrier NAT. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
});

export type AuthConfig = z.infer<typeof authEnv>;
