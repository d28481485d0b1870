import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderPlacedV1 } from '@shopflow/contracts';
import { GroupCommit, Outbox, UnitOfWork, type Submitted } from '@shopflow/platform/messaging';

/** An order priced and ready to record PENDING. */
export interface NewOrder {
  id: string;
  customerId: string;
  lines: readonly {
    quantity: number;
    product: { product_id: string; sku: string; name: string; price_cents: number };
  }[];
  totalCents: number;
  currency: string;
  /** The client's Idempotency-Key, and a hash of the body it came with. */
  idempotency?: { key: string; requestHash: string };
  at: Date;
  deadline: Date;
}

/**
 * Records placed orders PENDING with their OrderPlaced events. Orders placed while a transaction
 * is in flight share the next one (`GroupCommit`): one INSERT per table for all of them, where each
 * order alone took four statements and a commit. A caller's promise settles when its order has
 * committed, or failed alone.
 */
@Injectable()
export class OrderIntake {
  private readonly group: GroupCommit<NewOrder>;

  constructor(
    unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
  ) {
    this.group = new GroupCommit(unitOfWork, (em, batch) => this.insert(em, batch));
  }

  /** Resolves once the order and its event are committed. */
  record(order: NewOrder): Promise<void> {
    return this.group.submit(order);
  }

  private async insert(em: EntityManager, batch: readonly Submitted<NewOrder>[]): Promise<void> {
    const orders = batch.map(({ item }) => item);
    await em.query(
      `INSERT INTO customer_order (id, customer_id, status, total_cents, currency, idempotency_key, request_hash,
         deadline_at, created_at, updated_at) VALUES ?`,
      [
        orders.map((o) => [
          o.id,
          o.customerId,
          'PENDING',
          o.totalCents,
          o.currency,
          o.idempotency?.key ?? null,
          o.idempotency?.requestHash ?? null,
          o.deadline,
          o.at,
          o.at,
        ]),
      ],
    );
    await em.query(
      'INSERT INTO order_line (order_id, line_no, product_id, sku, name, quantity, unit_price_cents) VALUES ?',
      [
        orders.flatMap((o) =>
          o.lines.map((l, i) => [
            o.id,
            i + 1,
            l.product.product_id,
            l.product.sku,
            l.product.name,
            l.quantity,
            l.product.price_cents,
          ]),
        ),
      ],
    );
    await em.query('INSERT INTO order_status_change (order_id, status, reason, changed_at) VALUES ?', [
      orders.map((o) => [o.id, 'PENDING', null, o.at]),
    ]);
    // Each event in its own request's scope: its correlation id and trace are that order's.
    for (const { item: o, inCallerContext } of batch)
      await inCallerContext(() =>
        this.outbox.add(em, OrderPlacedV1, {
          orderId: o.id,
          customerId: o.customerId,
          lines: o.lines.map((l) => ({
            productId: l.product.product_id,
            quantity: l.quantity,
            unitPriceCents: l.product.price_cents,
          })),
          totalCents: o.totalCents,
          currency: o.currency,
        }),
      );
  }
}
