import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  OrderPlacedV1,
  StockRejectedV1,
  StockReleasedV1,
  StockReservedV1,
  type EventData,
} from '@shopflow/contracts';
import { Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { Metrics } from '@shopflow/platform/observability';
import { CatalogReadCache } from '../cache/catalog-read-cache';
import { decideReservation, mergeLines, type LockedStock } from './reservation-decision';

/**
 * The catalog's part of the order saga (its events arrive through `StockReservationsEventsController`).
 * Each method runs inside the consumer's transaction, with the event's inbox row, so its effect and
 * the events it emits commit once or not at all.
 */
@Injectable()
export class StockReservations {
  private readonly outcomes;

  constructor(
    private readonly outbox: Outbox,
    private readonly unitOfWork: UnitOfWork,
    private readonly cache: CatalogReadCache,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter('catalog_stock_reservations_total', 'Reservation outcomes per order', [
      'outcome',
    ]);
  }

  async reserve(em: EntityManager, order: EventData<typeof OrderPlacedV1>): Promise<void> {
    const lines = mergeLines(order.lines);
    // Rows are locked in primary-key order, whatever the order's line order: two orders naming the
    // same products can wait for each other but never deadlock. `held` comes in the same round trip.
    const locked: (LockedStock & { held: number })[] = await em.query(
      `SELECT id, status, stock_available, EXISTS (SELECT 1 FROM stock_reservation WHERE order_id = ?) AS held
         FROM product WHERE id IN (?) ORDER BY id FOR UPDATE`,
      [order.orderId, lines.map((line) => line.productId)],
    );
    // Reserved (or released) before: one reservation per order, ever. Products are never deleted,
    // so an order that holds stock always finds its rows here.
    if (locked.some((row) => Number(row.held) === 1)) return;
    const decision = decideReservation(lines, new Map(locked.map((row) => [row.id, row])));
    if (!decision.reserve) {
      await this.outbox.add(em, StockRejectedV1, { orderId: order.orderId, reasons: decision.reasons });
      this.count(em, 'rejected');
      return;
    }
    const now = new Date();
    for (const { productId, quantity } of decision.lines) {
      await em.query(
        'UPDATE product SET stock_available = stock_available - ?, stock_reserved = stock_reserved + ? WHERE id = ?',
        [quantity, quantity, productId],
      );
    }
    await em.query(
      'INSERT INTO stock_reservation (order_id, product_id, quantity, state, reserved_at) VALUES ?',
      [decision.lines.map((line) => [order.orderId, line.productId, line.quantity, 'RESERVED', now])],
    );
    await this.outbox.add(em, StockReservedV1, { orderId: order.orderId, lines: decision.lines });
    this.count(em, 'reserved');
    this.dropCached(em, decision.lines);
  }

  /** This replica's cached reads of the products show the new stock once the chunk commits. */
  private dropCached(em: EntityManager, lines: readonly { productId: string }[]): void {
    const productIds = lines.map((line) => line.productId);
    this.unitOfWork.afterCommit(em, () => void this.cache.invalidate({ productIds, pages: true }, 'local'));
  }

  /** Counted once committed: a chunk that rolls back and is applied again must not count twice. */
  private count(em: EntityManager, outcome: 'reserved' | 'rejected' | 'released'): void {
    this.unitOfWork.afterCommit(em, () => this.outcomes.inc({ outcome }));
  }

  /** Gives back exactly what the order holds, once: released rows are never released again. */
  async release(em: EntityManager, orderId: string): Promise<void> {
    const held: { product_id: string; quantity: number }[] = await em.query(
      `SELECT product_id, quantity FROM stock_reservation
        WHERE order_id = ? AND state = 'RESERVED' ORDER BY product_id FOR UPDATE`,
      [orderId],
    );
    if (!held.length) return;
    await em.query('SELECT id FROM product WHERE id IN (?) ORDER BY id FOR UPDATE', [
      held.map((row) => row.product_id),
    ]);
    for (const { product_id, quantity } of held) {
      await em.query(
        'UPDATE product SET stock_available = stock_available + ?, stock_reserved = stock_reserved - ? WHERE id = ?',
        [quantity, quantity, product_id],
      );
    }
    await em.query(
      "UPDATE stock_reservation SET state = 'RELEASED', released_at = ? WHERE order_id = ? AND state = 'RESERVED'",
      [new Date(), orderId],
    );
    await this.outbox.add(em, StockReleasedV1, {
      orderId,
      lines: held.map((row) => ({ productId: row.product_id, quantity: row.quantity })),
    });
    this.count(em, 'released');
    this.dropCached(
      em,
      held.map((row) => ({ productId: row.product_id })),
    );
  }
}
