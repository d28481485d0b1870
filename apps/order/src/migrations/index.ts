import { CreateMessagingTables1764000000000 } from '@shopflow/platform/messaging';

/** Applied in this order by `main.js migrate`. Released migrations are never edited. */
export const migrations = [CreateMessagingTables1764000000000];
