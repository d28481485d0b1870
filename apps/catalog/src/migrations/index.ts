import {
  AddOutboxTraceparent1764400000000,
  CreateMessagingTables1764000000000,
} from '@shopflow/platform/messaging';
import { CreateCatalog1764000200000 } from './1764000200000-create-catalog';

/** Applied in this order by `main.js migrate`. Released migrations are never edited. */
export const migrations = [
  CreateMessagingTables1764000000000,
  CreateCatalog1764000200000,
  AddOutboxTraceparent1764400000000,
];
