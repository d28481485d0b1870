import { z } from 'zod';
import { TOPICS } from '../topics/topics';
import { Money, OrderLine } from './common';
import { defineEvent } from './event-definition';

export const OrderPlacedV1 = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  topic: TOPICS.orderEvents.name,
  keyField: 'orderId',
  description: 'A customer placed an order; stock is to be reserved.',
  schema: z.object({
    orderId: z.uuid(),
    customerId: z.uuid(),
    lines: z
      .array(OrderLine.extend({ unitPriceCents: Money.cents }))
      .min(1)
      .max(50),
    totalCents: Money.cents,
    currency: Money.currency,
  }),
});

export const OrderConfirmedV1 = defineEvent({
  type: 'OrderConfirmed',
  version: 1,
  topic: TOPICS.orderEvents.name,
  keyField: 'orderId',
  description: 'Stock was reserved; the order is confirmed.',
  schema: z.object({ orderId: z.uuid() }),
});

export const OrderRejectedV1 = defineEvent({
  type: 'OrderRejected',
  version: 1,
  topic: TOPICS.orderEvents.name,
  keyField: 'orderId',
  description: 'The order cannot be fulfilled (stock rejected, or timeout).',
  schema: z.object({ orderId: z.uuid(), reasons: z.array(z.string().min(1).max(200)).min(1) }),
});

export const OrderCancelledV1 = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  topic: TOPICS.orderEvents.name,
  keyField: 'orderId',
  description: 'The customer cancelled; any stock reserved for it is to be released.',
  schema: z.object({ orderId: z.uuid() }),
});
