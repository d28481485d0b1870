import { domainError, type FieldError } from '@shopflow/platform/service';

/** Also the answer for someone else's order: its existence is not the caller's business. */
export const OrderNotFound = domainError('not-found', 'ORDER.NOT_FOUND', () => 'No such order.');

/** Every line's problem at once (limits, unknown or discontinued products, mixed currencies). */
export const OrderInvalid = domainError('rule-violated', 'ORDER.INVALID', (fields: FieldError[]) => [
  `The order cannot be placed: ${fields.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
  { fields },
]);

export const IdempotencyKeyReused = domainError(
  'rule-violated',
  'ORDER.IDEMPOTENCY_KEY_REUSED',
  () => 'This Idempotency-Key was used for a different order; use a new key for a new order.',
);

export const OrderNotCancellable = domainError(
  'conflict',
  'ORDER.NOT_CANCELLABLE',
  (status: string | null) => `The order is ${status ?? 'gone'} and can no longer be cancelled.`,
);

export const OtherCustomersOrders = domainError(
  'forbidden',
  'ORDER.ADMIN_ONLY',
  () => "Only admins may list other customers' orders.",
);
