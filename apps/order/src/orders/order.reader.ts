import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Order, OrderStatus, Page } from '@shopflow/contracts';

interface OrderRow {
  id: string;
  customer_id: string;
  status: OrderStatus;
  total_cents: number | string;
  currency: string;
  created_at: Date;
  updated_at: Date;
  display_name: string | null;
  email: string | null;
}

const ORDER_SELECT = `SELECT o.id, o.customer_id, o.status, o.total_cents, o.currency, o.created_at, o.updated_at,
  c.display_name, c.email FROM customer_order o LEFT JOIN customer_view c ON c.customer_id = o.customer_id`;

/** Reads orders with their lines, customer and history: three queries per page, whatever its size. */
@Injectable()
export class OrderReader {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string, em: EntityManager = this.dataSource.manager): Promise<Order | undefined> {
    const rows: OrderRow[] = await em.query(`${ORDER_SELECT} WHERE o.id = ?`, [id]);
    return (await this.complete(em, rows))[0];
  }

  /** Newest first; `customerId` undefined lists everyone's (admins only). */
  async list(customerId: string | undefined, page: number, limit: number): Promise<Page<Order>> {
    const em = this.dataSource.manager;
    const where = customerId === undefined ? '' : 'WHERE o.customer_id = ?';
    const params = customerId === undefined ? [] : [customerId];
    const [rows, [count]] = await Promise.all([
      em.query(`${ORDER_SELECT} ${where} ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?`, [
        ...params,
        limit,
        (page - 1) * limit,
      ]) as Promise<OrderRow[]>,
      em.query(`SELECT COUNT(*) AS total FROM customer_order o ${where}`, params) as Promise<
        { total: string }[]
      >,
    ]);
    return { items: await this.complete(em, rows), total: Number(count?.total ?? 0), page, limit };
  }

  private async complete(em: EntityManager, rows: OrderRow[]): Promise<Order[]> {
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [lines, history] = await Promise.all([
      em.query(
        `SELECT order_id, product_id, sku, name, quantity, unit_price_cents FROM order_line
          WHERE order_id IN (?) ORDER BY order_id, line_no`,
        [ids],
      ) as Promise<
        {
          order_id: string;
          product_id: string;
          sku: string;
          name: string;
          quantity: number;
          unit_price_cents: number;
        }[]
      >,
      em.query(
        'SELECT order_id, status, reason, changed_at FROM order_status_change WHERE order_id IN (?) ORDER BY id',
        [ids],
      ) as Promise<{ order_id: string; status: OrderStatus; reason: string | null; changed_at: Date }[]>,
    ]);
    return rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      customer: row.display_name === null ? null : { displayName: row.display_name, email: row.email ?? '' },
      status: row.status,
      lines: lines
        .filter((line) => line.order_id === row.id)
        .map((line) => ({
          productId: line.product_id,
          sku: line.sku,
          name: line.name,
          quantity: line.quantity,
          unitPriceCents: line.unit_price_cents,
        })),
      totalCents: Number(row.total_cents),
      currency: row.currency,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      history: history
        .filter((change) => change.order_id === row.id)
        .map((change) => ({
          status: change.status,
          at: change.changed_at.toISOString(),
          ...(change.reason ? { reason: change.reason } : {}),
        })),
    }));
  }
}
