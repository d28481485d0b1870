// Imported first by main.ts: the tracing instrumentations patch http and mysql2 as they load.
import { startTracing } from '@shopflow/platform/observability';

startTracing('auth');
