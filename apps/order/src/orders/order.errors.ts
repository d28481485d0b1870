import { Conflict, Forbidden, NotFound, RuleViolated, type FieldError } from '@shopflow/platform/service';

/** Also the answer for someone else's order: its existence is not the caller's business. */
export class OrderNotFound extends NotFound {
  static readonly code = 'ORDER.NOT_FOUND';
  constructor() {
    super('No such order.');
  }
}

/** Every line's problem at once (limits, unknown or discontinued products, mixed currencies). */
export class OrderInvalid extends RuleViolated {
  static readonly code = 'ORDER.INVALID';
  constructor(fields: FieldError[]) {
    super(`The order cannot be placed: ${fields.map((e) => `${e.field} ${e.message}`).join('; ')}.`, {
      fields,
    });
  }
}

export class IdempotencyKeyReused extends RuleViolated {
  static readonly code = 'ORDER.IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was used for a different order; use a new key for a new order.');
  }
}

export class OrderNotCancellable extends Conflict {
  static readonly code = 'ORDER.NOT_CANCELLABLE';
  constructor(status: string | null) {
    super(`The order is ${status ?? 'gone'} and can no longer be cancelled.`);
  }
}

export class OtherCustomersOrders extends Forbidden {
  static readonly code = 'ORDER.ADMIN_ONLY';
  constructor() {
    super("Only admins may list other customers' orders.");
  }
}
