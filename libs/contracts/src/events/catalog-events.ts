import { z } from 'zod';
import { TOPICS } from '../topics/topics';
import { Money, OrderLine } from './common';
import { defineEvent } from './event-definition';

/** Event-carried state: everything the order service needs to price an order without asking. */
const ProductState = z.object({
  productId: z.uuid(),
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  priceCents: Money.cents,
  currency: Money.currency,
  status: z.enum(['ACTIVE', 'DISCONTINUED']),
  version: z.number().int().min(1),
});

export const ProductCreatedV1 = defineEvent({
  type: 'ProductCreated',
  version: 1,
  topic: TOPICS.catalogProductEvents.name,
  keyField: 'productId',
  description: 'A product was added to the catalog.',
  schema: ProductState,
});

export const ProductUpdatedV1 = defineEvent({
  type: 'ProductUpdated',
  version: 1,
  topic: TOPICS.catalogProductEvents.name,
  keyField: 'productId',
  description: 'A product changed (name, price, currency or status); carries its full new state.',
  schema: ProductState,
});

export const StockReservedV1 = defineEvent({
  type: 'StockReserved',
  version: 1,
  topic: TOPICS.catalogStockEvents.name,
  keyField: 'orderId',
  description: 'Every line of an order was reserved.',
  schema: z.object({ orderId: z.uuid(), lines: z.array(OrderLine).min(1) }),
});

export const StockRejectedV1 = defineEvent({
  type: 'StockRejected',
  version: 1,
  topic: TOPICS.catalogStockEvents.name,
  keyField: 'orderId',
  description: 'Nothing was reserved for an order; each failing line has a reason.',
  schema: z.object({
    orderId: z.uuid(),
    reasons: z
      .array(
        z.object({
          productId: z.uuid(),
          reason: z.enum(['UNKNOWN_PRODUCT', 'DISCONTINUED', 'INSUFFICIENT_STOCK']),
        }),
      )
      .min(1),
  }),
});

export const StockReleasedV1 = defineEvent({
  type: 'StockReleased',
  version: 1,
  topic: TOPICS.catalogStockEvents.name,
  keyField: 'orderId',
  description: 'What was reserved for an order was given back.',
  schema: z.object({ orderId: z.uuid(), lines: z.array(OrderLine).min(1) }),
});

export const StockAdjustedV1 = defineEvent({
  type: 'StockAdjusted',
  version: 1,
  topic: TOPICS.catalogStockEvents.name,
  keyField: 'productId',
  description:
    'An administrator received or wrote off units; carries the stock after it (caches and read models drop their copy).',
  schema: z.object({
    productId: z.uuid(),
    delta: z.number().int(),
    stockAvailable: z.number().int().min(0),
    stockReserved: z.number().int().min(0),
  }),
});
