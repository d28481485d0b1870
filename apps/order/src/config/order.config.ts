import { z } from 'zod';
import { accessTokenEnv, commonEnv, httpPort } from '@shopflow/platform/config';

export const orderEnv = z.object({
  ...commonEnv,
  ...httpPort(3003),
  ...accessTokenEnv,
  /** An order still PENDING this long after it was placed is rejected with reason `timeout`. */
  ORDER_PENDING_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** How often the deadline sweep looks for overdue orders. */
  ORDER_TIMEOUT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
});

export type OrderConfig = z.infer<typeof orderEnv>;
