import { transportSecurityEnv } from './transport-security-env';
import { z } from 'zod';
import { trustedProxies } from './trusted-proxies';

const port = z.coerce.number().int().min(1).max(65535);

/** Variables every service reads. A service spreads these into its own schema and adds its own. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Loopback unless stated: containers and pods set 0.0.0.0, a laptop keeps its services to itself. */
  HTTP_HOST: z.string().default('127.0.0.1'),
  TRUSTED_PROXIES: trustedProxies,
  /** Swagger UI and /docs-json; off by default in production, where the API's surface stays small. */
  API_DOCS: z.stringbool().optional(),
  DATABASE_URL: z
    .string()
    .regex(
      /^mysql:\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/,
      'must look like mysql://user:password@host:3306/schema',
    ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be a comma-separated list of host:port')
    .transform((value) => value.split(',')),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** Kafka consumer-group session timeout: how long a crashed instance's partitions wait (ADR 0008). */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(6_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(60_000).default(10_000),
  ...transportSecurityEnv,
};

/** The HTTP port with a service-specific default (auth 3001, catalog 3002, order 3003). */
export const httpPort = (defaultPort: number) => ({ HTTP_PORT: port.default(defaultPort) });

/**
 * Variables of a service that verifies auth's access tokens. The JWKS URL has no default: a
 * service pointed at the wrong key set would refuse every caller, so it must be stated.
 */
export const accessTokenEnv = {
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }),
  JWT_ISSUER: z.string().min(1).default('shopflow-auth'),
  JWT_AUDIENCE: z.string().min(1).default('shopflow'),
};
