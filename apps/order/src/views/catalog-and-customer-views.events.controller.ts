import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { ProductCreatedV1, ProductUpdatedV1, UserRegisteredV1, type EventData } from '@shopflow/contracts';
import { OnEvent, TransactionManager, type EventOf } from '@shopflow/platform/messaging';

type ProductState = EventData<typeof ProductCreatedV1>;

/**
 * The order service's local copies of what it needs from other services (event-carried state
 * transfer): products to price orders, customers to show who ordered. No call to the catalog or
 * to auth is ever on the path of placing or listing an order.
 */
@Controller()
export class CatalogAndCustomerViewsEventsController {
  @OnEvent(ProductCreatedV1)
  productCreated(
    @Payload() event: EventOf<typeof ProductCreatedV1>,
    @TransactionManager() em: EntityManager,
  ) {
    return this.upsertProduct(em, event.data, event.occurredAt);
  }

  @OnEvent(ProductUpdatedV1)
  productUpdated(
    @Payload() event: EventOf<typeof ProductUpdatedV1>,
    @TransactionManager() em: EntityManager,
  ) {
    return this.upsertProduct(em, event.data, event.occurredAt);
  }

  @OnEvent(UserRegisteredV1)
  async userRegistered(
    @Payload() event: EventOf<typeof UserRegisteredV1>,
    @TransactionManager() em: EntityManager,
  ): Promise<void> {
    await em.query(
      `INSERT INTO customer_view (customer_id, email, display_name, registered_at) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE email = VALUES(email), display_name = VALUES(display_name)`,
      [event.data.userId, event.data.email, event.data.displayName, new Date(event.occurredAt)],
    );
  }

  /**
   * Last writer by version wins, not by arrival: events of one product share a partition and
   * arrive in order, but a replayed older event (or a re-created topic) must not roll a price back.
   */
  private async upsertProduct(em: EntityManager, p: ProductState, occurredAt: string): Promise<void> {
    await em.query(
      `INSERT INTO product_view (product_id, sku, name, price_cents, currency, status, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         sku = IF(VALUES(version) > version, VALUES(sku), sku),
         name = IF(VALUES(version) > version, VALUES(name), name),
         price_cents = IF(VALUES(version) > version, VALUES(price_cents), price_cents),
         currency = IF(VALUES(version) > version, VALUES(currency), currency),
         status = IF(VALUES(version) > version, VALUES(status), status),
         updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),
         version = GREATEST(version, VALUES(version))`,
      [p.productId, p.sku, p.name, p.priceCents, p.currency, p.status, p.version, new Date(occurredAt)],
    );
  }
}
