import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });
const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), url.optional());

/**
 * The load generator's environment. LOADGEN_TARGET names one gateway for every path (compose's
 * :8080); without it each service is reached on its `npm start` port.
 */
export const loadgenEnv = z.object({
  LOADGEN_TARGET: optionalUrl,
  LOADGEN_AUTH_URL: url.default('http://127.0.0.1:3001'),
  LOADGEN_CATALOG_URL: url.default('http://127.0.0.1:3002'),
  LOADGEN_ORDER_URL: url.default('http://127.0.0.1:3003'),
  /** Actions started per second (open loop: a slow system does not slow the arrivals). */
  LOADGEN_RATE: z.coerce.number().positive().max(10_000).default(5),
  /** Actions in flight at most; beyond it an arrival is counted as dropped, not queued. */
  LOADGEN_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(50),
  LOADGEN_CUSTOMERS: z.coerce.number().int().positive().max(10_000).default(10),
  /** 0: until Ctrl-C. */
  LOADGEN_DURATION_SECONDS: z.coerce.number().nonnegative().default(0),
  /** Share of placed orders cancelled afterwards. */
  LOADGEN_CANCEL_RATIO: z.coerce.number().min(0).max(1).default(0.2),
  LOADGEN_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOADGEN_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Creates products when the catalog has none. DEVELOPMENT DEFAULTS: the ones compose's auth.env sets. */
  LOADGEN_ADMIN_EMAIL: z.email().default('admin@shopflow.local'),
  LOADGEN_ADMIN_PASSWORD: z.string().min(1).default('admin-dev-password'),
  LOADGEN_QUIET: z.stringbool().default(false),
});

export type LoadgenConfig = z.infer<typeof loadgenEnv>;

export interface Targets {
  auth: string;
  catalog: string;
  order: string;
}

export function targetsOf(config: LoadgenConfig): Targets {
  const gateway = config.LOADGEN_TARGET?.replace(/\/$/, '');
  return {
    auth: gateway ?? config.LOADGEN_AUTH_URL.replace(/\/$/, ''),
    catalog: gateway ?? config.LOADGEN_CATALOG_URL.replace(/\/$/, ''),
    order: gateway ?? config.LOADGEN_ORDER_URL.replace(/\/$/, ''),
  };
}

/** The configuration, or one line naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): LoadgenConfig | { error: string } {
  const parsed = loadgenEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  return {
    error: `invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  };
}
