import { Injectable, type OnModuleInit } from '@nestjs/common';
import { StockRejectedV1, StockReservedV1 } from '@shopflow/contracts';
import { EventConsumer } from '@shopflow/platform/messaging';
import { OrderTransitions } from '../orders/order-transitions';
import { SagaMetrics } from './saga-metrics';

/**
 * The order service's half of the saga: the catalog's answer to OrderPlaced confirms or rejects
 * the order. Stock reserved for an order that is no longer PENDING (cancelled, or timed out) is
 * given back by the catalog itself, which reacts to the OrderCancelled / OrderRejected it saw
 * before that reservation's release could be needed; here the late event is only recorded.
 */
@Injectable()
export class OrderSaga implements OnModuleInit {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly transitions: OrderTransitions,
    private readonly metrics: SagaMetrics,
  ) {}

  onModuleInit(): void {
    this.consumer
      .on(StockReservedV1, async (em, event) => {
        await this.transitions.apply(em, event.data.orderId, 'STOCK_RESERVED', {
          eventId: event.id,
          eventType: event.type,
        });
      })
      .on(StockRejectedV1, async (em, event) => {
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
      });
  }
}
