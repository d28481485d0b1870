import { z } from 'zod';
import { commonEnv, httpPort } from '@shopflow/platform/config';

export const catalogEnv = z.object({ ...commonEnv, ...httpPort(3002) });

export type CatalogConfig = z.infer<typeof catalogEnv>;
