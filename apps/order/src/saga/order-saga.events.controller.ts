import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { StockRejectedV1, StockReservedV1 } from '@shopflow/contracts';
import { OnEventChunk, TransactionManager, type EventOf } from '@shopflow/platform/messaging';
import { OrderTransitions } from '../orders/order-transitions';
import { SagaMetrics } from './saga-metrics';

/**
 * The order service's half of the saga: the catalog's answer to OrderPlaced confirms or rejects
 * the order. Stock reserved for an order that is no longer PENDING (cancelled, or timed out) is
 * given back by the catalog itself, which reacts to the OrderCancelled / OrderRejected it saw
 * before that reservation's release could be needed; here the late event is only recorded.
 */
@Controller()
export class OrderSagaEventsController {
  constructor(
    private readonly transitions: OrderTransitions,
    private readonly metrics: SagaMetrics,
  ) {}

  /** A chunk's reservations together: two statements for all of them (ADR 0016). */
  @OnEventChunk(StockReservedV1)
  async stockReserved(
    @Payload() events: EventOf<typeof StockReservedV1>[],
    @TransactionManager() em: EntityManager,
  ): Promise<void> {
    await this.transitions.applyAll(
      em,
      events.map((event) => ({ orderId: event.data.orderId, trigger: 'STOCK_RESERVED', event })),
    );
  }

  @OnEventChunk(StockRejectedV1)
  async stockRejected(
    @Payload() events: EventOf<typeof StockRejectedV1>[],
    @TransactionManager() em: EntityManager,
  ): Promise<void> {
    const results = await this.transitions.applyAll(
      em,
      events.map((event) => ({
        orderId: event.data.orderId,
        trigger: 'STOCK_REJECTED',
        event,
        reasons: event.data.reasons.map((r) => `${r.reason} (${r.productId})`),
      })),
    );
    for (const [i, result] of results.entries())
      if (result.changed)
        this.metrics.rejected(
          em,
          events[i]!.data.reasons.map((r) => r.reason),
        );
  }
}
