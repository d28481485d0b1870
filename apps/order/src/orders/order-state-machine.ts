import type { OrderStatus } from '@shopflow/contracts';

/** What can happen to an order. */
export type OrderTrigger = 'STOCK_RESERVED' | 'STOCK_REJECTED' | 'TIMED_OUT' | 'CANCEL_REQUESTED';

/**
 * The saga's state machine, the only place that says which transitions exist:
 *
 *   PENDING ──StockReserved──▶ CONFIRMED ──cancel──▶ CANCELLED
 *      │ ──StockRejected / timeout──▶ REJECTED
 *      └──cancel──▶ CANCELLED
 *
 * REJECTED and CANCELLED are final. A trigger that does not fit returns null: the caller changes
 * nothing and records it (e.g. a reservation arriving after a timeout or a cancel).
 */
const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderTrigger, OrderStatus>>> = {
  PENDING: {
    STOCK_RESERVED: 'CONFIRMED',
    STOCK_REJECTED: 'REJECTED',
    TIMED_OUT: 'REJECTED',
    CANCEL_REQUESTED: 'CANCELLED',
  },
  CONFIRMED: { CANCEL_REQUESTED: 'CANCELLED' },
  REJECTED: {},
  CANCELLED: {},
};

export function nextStatus(current: OrderStatus, trigger: OrderTrigger): OrderStatus | null {
  return TRANSITIONS[current][trigger] ?? null;
}

export const isFinal = (status: OrderStatus): boolean => Object.keys(TRANSITIONS[status]).length === 0;
