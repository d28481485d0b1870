import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { StockRejectedV1, StockReservedV1 } from '@shopflow/contracts';
import { OnEvent, TransactionManager, type EventOf } from '@shopflow/platform/messaging';
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

  @OnEvent(StockReservedV1)
  async stockReserved(
    @Payload() event: EventOf<typeof StockReservedV1>,
    @TransactionManager() em: EntityManager,
  ): Promise<void> {
    await this.transitions.apply(em, event.data.orderId, 'STOCK_RESERVED', {
      eventId: event.id,
      eventType: event.type,
    });
  }

  @OnEvent(StockRejectedV1)
  async stockRejected(
    @Payload() event: EventOf<typeof StockRejectedV1>,
    @TransactionManager() em: EntityManager,
  ): Promise<void> {
    const result = await this.transitions.apply(em, event.data.orderId, 'STOCK_REJECTED', {
      eventId: event.id,
      eventType: event.type,
      reasons: event.data.reasons.map((r) => `${r.reason} (${r.productId})`),
    });
    if (result.changed)
      this.metrics.rejected(
        em,
        event.data.reasons.map((r) => r.reason),
      );
  }
}
