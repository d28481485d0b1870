import { z } from 'zod';
import { commonEnv, httpPort } from '@shopflow/platform/config';

export const orderEnv = z.object({ ...commonEnv, ...httpPort(3003) });

export type OrderConfig = z.infer<typeof orderEnv>;
