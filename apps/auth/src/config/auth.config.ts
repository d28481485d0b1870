import { z } from 'zod';
import { commonEnv, httpPort } from '@shopflow/platform/config';

export const authEnv = z.object({ ...commonEnv, ...httpPort(3001) });

export type AuthConfig = z.infer<typeof authEnv>;
