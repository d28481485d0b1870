import {
  AddOutboxTraceparent1764400000000,
  CreateMessagingTables1764000000000,
} from '@shopflow/platform/messaging';
import { CreateAccounts1764000100000 } from './1764000100000-create-accounts';

/** Applied in this order by `main.js migrate`. Released migrations are never edited. */
export const migrations = [
  CreateMessagingTables1764000000000,
  CreateAccounts1764000100000,
  AddOutboxTraceparent1764400000000,
];
