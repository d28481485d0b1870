import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { OrderCancelledV1, OrderPlacedV1, OrderRejectedV1 } from '@shopflow/contracts';
import { OnEvent, OnEventChunk, TransactionManager, type EventOf } from '@shopflow/platform/messaging';
import { StockReservations } from './stock-reservations';

/** The order events the catalog answers: reserve stock for a placed order, give it back when it ends. */
@Controller()
export class StockReservationsEventsController {
  constructor(private readonly reservations: StockReservations) {}

  /** A chunk's placed orders together: four statements for all of them (ADR 0016). */
  @OnEventChunk(OrderPlacedV1)
  ordersPlaced(@Payload() events: EventOf<typeof OrderPlacedV1>[], @TransactionManager() em: EntityManager) {
    return this.reservations.reserve(em, events);
  }

  @OnEvent(OrderCancelledV1)
  orderCancelled(
    @Payload() event: EventOf<typeof OrderCancelledV1>,
    @TransactionManager() em: EntityManager,
  ) {
    return this.reservations.release(em, event.data.orderId);
  }

  /** A rejected order may still hold stock: the order service rejects on timeout while the reservation is on its way. */
  @OnEvent(OrderRejectedV1)
  orderRejected(@Payload() event: EventOf<typeof OrderRejectedV1>, @TransactionManager() em: EntityManager) {
    return this.reservations.release(em, event.data.orderId);
  }
}
