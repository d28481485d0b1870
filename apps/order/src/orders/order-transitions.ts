import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  OrderCancelledV1,
  OrderConfirmedV1,
  OrderRejectedV1,
  type EventEnvelope,
  type OrderStatus,
} from '@shopflow/contracts';
import { InsertAtCommit, Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { Metrics } from '@shopflow/platform/observability';
import { caseById } from '@shopflow/platform/persistence';
import { nextStatus, type OrderTrigger } from './order-state-machine';

export interface TransitionRequest {
  orderId: string;
  trigger: OrderTrigger;
  reasons?: string[];
  /** The event that asks for the transition: the cause of the event it emits, and its record if ignored. */
  event?: EventEnvelope;
  /** What asked, when no event did (recorded if the transition does not fit). Default: the event's type. */
  eventType?: string;
}

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

  /** One transition; see `applyAll`. */
  async apply(
    em: EntityManager,
    orderId: string,
    trigger: OrderTrigger,
    cause: Omit<TransitionRequest, 'orderId' | 'trigger'> = {},
  ): Promise<TransitionResult> {
    const [result] = await this.applyAll(em, [{ orderId, trigger, ...cause }]);
    return result!;
  }

  /**
   * Transitions in the order given, each seeing the status the ones before it left, as one
   * transaction per transition would. However many there are (a consumer chunk's, a sweep's): one
   * SELECT locks every order named, in primary-key order; one UPDATE sets the new statuses; one
   * INSERT records the triggers that did not fit, if any. History and events go in at the commit.
   * Results are in the order of `requests`.
   */
  async applyAll(em: EntityManager, requests: readonly TransitionRequest[]): Promise<TransitionResult[]> {
    if (requests.length === 0) return [];
    const rows: { id: string; status: OrderStatus; created_at: Date }[] = await em.query(
      'SELECT id, status, created_at FROM customer_order WHERE id IN (?) ORDER BY id FOR UPDATE',
      [[...new Set(requests.map((request) => request.orderId))]],
    );
    // Keyed in lower case: the column's collation ignores case, and so must the lookup.
    const orders = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
    const changedTo = new Map<string, OrderStatus>();
    const ignored: [string, string | null, string, OrderStatus, Date][] = [];
    const now = new Date();
    const results: TransitionResult[] = [];
    for (const request of requests) {
      const { orderId, trigger, event } = request;
      const order = orders.get(orderId.toLowerCase());
      const eventType = request.eventType ?? event?.type ?? trigger;
      if (!order) {
        // Named here: a chunk's transitions run in no single event's correlation scope.
        const cause = event ? ` (event ${event.id}, correlation ${event.correlationId})` : '';
        this.logger.warn(`${eventType} for unknown order ${orderId}${cause}; ignored`);
        results.push({ changed: false, status: null });
        continue;
      }
      const from = order.status;
      const to = nextStatus(from, trigger);
      if (!to) {
        ignored.push([orderId, event?.id ?? null, eventType, from, now]);
        results.push({ changed: false, status: from });
        continue;
      }
      order.status = to;
      changedTo.set(order.id, to);
      await this.history.add(em, [orderId, to, request.reasons?.join('; ').slice(0, 1000) ?? null, now]);
      await this.emit(em, orderId, to, request);
      this.countOutcome(
        em,
        trigger,
        from === 'PENDING' && to !== 'CANCELLED' ? order.created_at : undefined,
        now,
      );
      results.push({ changed: true, from, to });
    }
    if (changedTo.size > 0) {
      const statuses = caseById(changedTo);
      await em.query(`UPDATE customer_order SET status = ${statuses.sql}, updated_at = ? WHERE id IN (?)`, [
        ...statuses.params,
        now,
        [...changedTo.keys()],
      ]);
    }
    if (ignored.length > 0)
      await em.query(
        'INSERT INTO order_ignored_event (order_id, event_id, event_type, order_status, recorded_at) VALUES ?',
        [ignored],
      );
    return results;
  }

  /** The event a transition announces, caused by the event that asked for it (if one did). */
  private async emit(em: EntityManager, orderId: string, to: OrderStatus, request: TransitionRequest) {
    const causedBy = request.event && { causedBy: request.event };
    if (to === 'CONFIRMED') await this.outbox.add(em, OrderConfirmedV1, { orderId }, causedBy);
    if (to === 'REJECTED')
      await this.outbox.add(
        em,
        OrderRejectedV1,
        { orderId, reasons: request.reasons ?? ['rejected'] },
        causedBy,
      );
    if (to === 'CANCELLED') await this.outbox.add(em, OrderCancelledV1, { orderId }, causedBy);
  }

  /** Counted once committed: a transaction that rolls back and is retried must not count twice. */
  private countOutcome(em: EntityManager, trigger: OrderTrigger, placedAt: Date | undefined, now: Date) {
    const outcome = OUTCOME[trigger]!;
    const sagaSeconds = placedAt ? (now.getTime() - placedAt.getTime()) / 1000 : undefined;
    this.unitOfWork.afterCommit(em, () => {
      this.outcomes.inc({ outcome });
      if (sagaSeconds !== undefined) this.sagaDuration.observe({ outcome }, sagaSeconds);
    });
  }
}
