import {
  AddOutboxTraceparent1764400000000,
  CreateMessagingTables1764000000000,
} from '@shopflow/platform/messaging';
import { CreateOrders1764000300000 } from './1764000300000-create-orders';

/** Applied in this order by `main.js migrate`. Released migrations are never edited. */
export const migrations = [
  CreateMessagingTables1764000000000,
  CreateOrders1764000300000,
  AddOutboxTraceparent1764400000000,
];
