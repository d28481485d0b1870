import { z } from 'zod';
import { accessTokenEnv, commonEnv, httpPort } from '@shopflow/platform/config';

export const catalogEnv = z.object({ ...commonEnv, ...httpPort(3002), ...accessTokenEnv });

export type CatalogConfig = z.infer<typeof catalogEnv>;
