import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderCancelledV1, OrderConfirmedV1, OrderRejectedV1, type OrderStatus } from '@shopflow/contracts';
import { InsertAtCommit, Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { Metrics } from '@shopflow/platform/observability';
import { nextStatus, type OrderTrigger } from './order-state-machine';

export type TransitionResult =
  { changed: true; from: OrderStatus; to: OrderStatus } | { changed: false; status: OrderStatus | null };

const OUTCOME: Partial<Record<OrderTrigger, string>> = {
  STOCK_RESERVED: 'confirmed',
  STOCK_REJECTED: 'rejected',
  TIMED_OUT: 'timed_out',
  CANCEL_REQUESTED: 'cancelled',
};

/**
 * Moves an order through the state machine inside the caller's transaction: locks the order row,
 * applies the transition if it fits, appends to the history and emits the matching event through
 * the outbox. A trigger that does not fit changes nothing and is recorded in order_ignored_event.
 */
@Injectable()
export class OrderTransitions {
  private readonly logger = new Logger('OrderTransitions');
  private readonly outcomes;
  private readonly sagaDuration;
  /** Nothing reads the history inside a transition: its rows go in one INSERT per transaction. */
  private readonly history: InsertAtCommit<[string, OrderStatus, string | null, Date]>;

  constructor(
    private readonly outbox: Outbox,
    private readonly unitOfWork: UnitOfWork,
    metrics: Metrics,
  ) {
    this.history = new InsertAtCommit(
      'INSERT INTO order_status_change (order_id, status, reason, changed_at) VALUES ?',
      unitOfWork,
    );
    this.outcomes = metrics.counter('order_saga_outcomes_total', 'Orders reaching an outcome of the saga', [
      'outcome',
    ]);
    this.sagaDuration = metrics.histogram(
      'order_saga_duration_seconds',
      'Time from placing an order to its first outcome (confirmed, rejected or timed out)',
      ['outcome'],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    );
  }

  async apply(
    em: EntityManager,
    orderId: string,
    trigger: OrderTrigger,
    cause: { reasons?: string[]; eventId?: string; eventType?: string } = {},
  ): Promise<TransitionResult> {
    const [order]: { status: OrderStatus; created_at: Date }[] = await em.query(
      'SELECT status, created_at FROM customer_order WHERE id = ? FOR UPDATE',
      [orderId],
    );
    if (!order) {
      this.logger.warn(`${cause.eventType ?? trigger} for unknown order ${orderId}; ignored`);
      return { changed: false, status: null };
    }
    const to = nextStatus(order.status, trigger);
    const now = new Date();
    if (!to) {
      await em.query(
        `INSERT INTO order_ignored_event (order_id, event_id, event_type, order_status, recorded_at)
         VALUES (?, ?, ?, ?, ?)`,
        [orderId, cause.eventId ?? null, cause.eventType ?? trigger, order.status, now],
      );
      return { changed: false, status: order.status };
    }
    const reason = cause.reasons?.join('; ').slice(0, 1000) ?? null;
    await em.query('UPDATE customer_order SET status = ?, updated_at = ? WHERE id = ?', [to, now, orderId]);
    await this.history.add(em, [orderId, to, reason, now]);
    if (to === 'CONFIRMED') await this.outbox.add(em, OrderConfirmedV1, { orderId });
    if (to === 'REJECTED')
      await this.outbox.add(em, OrderRejectedV1, { orderId, reasons: cause.reasons ?? ['rejected'] });
    if (to === 'CANCELLED') await this.outbox.add(em, OrderCancelledV1, { orderId });
    const outcome = OUTCOME[trigger]!;
    const sagaSeconds =
      order.status === 'PENDING' && to !== 'CANCELLED'
        ? (now.getTime() - order.created_at.getTime()) / 1000
        : undefined;
    // Counted once committed: a transaction that rolls back and is retried must not count twice.
    this.unitOfWork.afterCommit(em, () => {
      this.outcomes.inc({ outcome });
      if (sagaSeconds !== undefined) this.sagaDuration.observe({ outcome }, sagaSeconds);
    });
    return { changed: true, from: order.status, to };
  }
}
