import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderPlacedV1, StockRejectedV1, StockReleasedV1, StockReservedV1 } from '@shopflow/contracts';
import { Outbox, UnitOfWork, type EventOf } from '@shopflow/platform/messaging';
import { Metrics } from '@shopflow/platform/observability';
import { caseById } from '@shopflow/platform/persistence';
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

  /**
   * Reserves stock for a run of placed orders (a consumer chunk's), each decided against the stock
   * the orders before it left, as one transaction per order would. Four statements for the run,
   * not three per order: one SELECT locks every product the orders name, one finds the orders that
   * hold stock already, one UPDATE moves the stock, one INSERT records the reservations.
   */
  async reserve(em: EntityManager, placed: readonly EventOf<typeof OrderPlacedV1>[]): Promise<void> {
    const orders = placed.map((event) => ({ event, lines: mergeLines(event.data.lines) }));
    const productIds = [...new Set(orders.flatMap(({ lines }) => lines.map((line) => line.productId)))];
    // One statement locks the rows in primary-key order, whatever the orders' line order: two
    // chunks reserving the same products wait for each other here rather than deadlock.
    const locked: LockedStock[] = await em.query(
      'SELECT id, status, stock_available FROM product WHERE id IN (?) ORDER BY id FOR UPDATE',
      [productIds.sort()],
    );
    const stock = new Map(locked.map((product) => [product.id, product]));
    // A plain read by primary key: it takes no gap locks for the orders not found, which would make
    // concurrent chunks' INSERTs deadlock. The primary key (order_id, product_id) still stops a
    // second reservation that this read could not see yet: that INSERT fails, and the chunk is
    // applied again one order at a time.
    const heldRows: { order_id: string }[] = await em.query(
      'SELECT DISTINCT order_id FROM stock_reservation WHERE order_id IN (?)',
      [placed.map((event) => event.data.orderId)],
    );
    const held = new Set(heldRows.map((row) => row.order_id));
    const reserved = new Map<string, number>(); // by product, for the run
    const reservations: [string, string, number, 'RESERVED', Date][] = [];
    const now = new Date();
    for (const { event, lines } of orders) {
      const { orderId } = event.data;
      // Reserved (or released) before, or earlier in this run: one reservation per order, ever.
      // A rejection holds nothing, so the same order placed again is decided again, as it would
      // be in a chunk of its own.
      if (held.has(orderId)) continue;
      const decision = decideReservation(lines, stock);
      if (!decision.reserve) {
        await this.outbox.add(
          em,
          StockRejectedV1,
          { orderId, reasons: decision.reasons },
          { causedBy: event },
        );
        this.count(em, 'rejected');
        continue;
      }
      for (const { productId, quantity } of decision.lines) {
        stock.get(productId)!.stock_available -= quantity;
        reserved.set(productId, (reserved.get(productId) ?? 0) + quantity);
        reservations.push([orderId, productId, quantity, 'RESERVED', now]);
      }
      held.add(orderId);
      await this.outbox.add(em, StockReservedV1, { orderId, lines: decision.lines }, { causedBy: event });
      this.count(em, 'reserved');
    }
    if (reserved.size === 0) return;
    const quantities = caseById(reserved);
    await em.query(
      `UPDATE product SET stock_available = stock_available - ${quantities.sql},
                          stock_reserved = stock_reserved + ${quantities.sql}
        WHERE id IN (?)`,
      [...quantities.params, ...quantities.params, [...reserved.keys()]],
    );
    await em.query(
      'INSERT INTO stock_reservation (order_id, product_id, quantity, state, reserved_at) VALUES ?',
      [reservations],
    );
    this.dropCached(em, [...reserved.keys()]);
  }

  /** This replica's cached reads of the products show the new stock once the chunk commits. */
  private dropCached(em: EntityManager, productIds: readonly string[]): void {
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
      held.map((row) => row.product_id),
    );
  }
}
