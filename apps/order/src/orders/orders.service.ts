import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ORDER_LIMITS, type Order, type PlaceOrderRequest } from '@shopflow/contracts';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { isDuplicateKey } from '@shopflow/platform/persistence';
import type { FieldError } from '@shopflow/platform/service';
import { IdempotencyKeyReused, OrderInvalid, OrderNotCancellable, OrderNotFound } from './order.errors';
import { OrderIntake } from './order-intake';
import { OrderPolicy } from './order-policy';
import { OrderReader } from './order.reader';
import { OrderTransitions } from './order-transitions';

interface PricedProduct {
  product_id: string;
  sku: string;
  name: string;
  price_cents: number;
  currency: string;
  status: 'ACTIVE' | 'DISCONTINUED';
  /** The ordering customer's, from customer_view; null until auth's event has arrived. */
  display_name: string | null;
  email: string | null;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly intake: OrderIntake,
    private readonly reader: OrderReader,
    private readonly transitions: OrderTransitions,
    private readonly policy: OrderPolicy,
  ) {}

  /**
   * Prices the order from the local product view and records it PENDING with its OrderPlaced
   * event, in one transaction (shared with orders placed at the same moment: `OrderIntake`). With
   * an idempotency key, a retry returns the order the first attempt created (`replayed`), and a
   * different body under the same key is refused.
   */
  async place(
    customerId: string,
    request: PlaceOrderRequest,
    idempotencyKey?: string,
  ): Promise<{ order: Order; replayed: boolean }> {
    // Hashed only when a key asks for it: most orders come without one.
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            requestHash: createHash('sha256').update(JSON.stringify(request.lines)).digest('hex'),
          };
    if (idempotency) {
      const earlier = await this.byIdempotencyKey(customerId, idempotency);
      if (earlier) return { order: earlier, replayed: true };
    }
    const { lines, customer } = await this.price(request, customerId);
    const currency = lines[0]!.product.currency;
    const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.product.price_cents, 0);
    const id = randomUUID();
    const now = new Date();
    try {
      await this.intake.record({
        id,
        customerId,
        lines,
        totalCents,
        currency,
        idempotency,
        at: now,
        deadline: new Date(now.getTime() + this.policy.pendingTimeoutMs),
      });
    } catch (error) {
      // Two attempts with one key raced: the unique key let one in; answer with its order.
      if (idempotency && isDuplicateKey(error)) {
        const earlier = await this.byIdempotencyKey(customerId, idempotency);
        if (earlier) return { order: earlier, replayed: true };
      }
      throw error;
    }
    // Answered from what was just written: reading it back would cost three more round trips.
    const at = now.toISOString();
    const order: Order = {
      id,
      customerId,
      customer,
      status: 'PENDING',
      lines: lines.map((l) => ({
        productId: l.product.product_id,
        sku: l.product.sku,
        name: l.product.name,
        quantity: l.quantity,
        unitPriceCents: l.product.price_cents,
      })),
      totalCents,
      currency,
      createdAt: at,
      updatedAt: at,
      history: [{ status: 'PENDING', at }],
    };
    return { order, replayed: false };
  }

  /** The owner or an admin sees the order; anyone else is told it does not exist. */
  async get(id: string, caller: { id: string; isAdmin: boolean }): Promise<Order> {
    const order = await this.reader.get(id);
    if (!order || (!caller.isAdmin && order.customerId !== caller.id)) throw new OrderNotFound();
    return order;
  }

  async cancel(id: string, caller: { id: string; isAdmin: boolean }): Promise<Order> {
    await this.get(id, caller);
    await this.unitOfWork.run(async (em) => {
      const result = await this.transitions.apply(em, id, 'CANCEL_REQUESTED', {
        eventType: 'CancelRequested',
      });
      if (!result.changed) throw new OrderNotCancellable(result.status);
    });
    // Read once committed: the history row is written at the commit.
    return (await this.reader.get(id))!;
  }

  private async byIdempotencyKey(
    customerId: string,
    { key, requestHash }: { key: string; requestHash: string },
  ): Promise<Order | undefined> {
    const [row]: { id: string; request_hash: string }[] = await this.dataSource.query(
      'SELECT id, request_hash FROM customer_order WHERE customer_id = ? AND idempotency_key = ?',
      [customerId, key],
    );
    if (!row) return undefined;
    if (row.request_hash !== requestHash) throw new IdempotencyKeyReused();
    return this.reader.get(row.id);
  }

  /**
   * Every line checked against the limits and the product view; all problems named at once. The
   * customer's name comes with the products, in the same statement: an order names at least one
   * product, and one that names none known is refused before the name is needed.
   */
  private async price(request: PlaceOrderRequest, customerId: string) {
    const errors: FieldError[] = [];
    const { lines } = request;
    if (lines.length < 1 || lines.length > ORDER_LIMITS.maxLines)
      errors.push({ field: 'lines', message: `an order has 1 to ${ORDER_LIMITS.maxLines} lines` });
    lines.forEach((line, i) => {
      if (line.quantity < ORDER_LIMITS.minQuantity || line.quantity > ORDER_LIMITS.maxQuantity)
        errors.push({
          field: `lines[${i}].quantity`,
          message: `quantity must be ${ORDER_LIMITS.minQuantity} to ${ORDER_LIMITS.maxQuantity}`,
        });
    });
    if (errors.length) throw new OrderInvalid(errors);

    const products: PricedProduct[] = await this.dataSource.query(
      `SELECT p.product_id, p.sku, p.name, p.price_cents, p.currency, p.status, c.display_name, c.email
         FROM product_view p LEFT JOIN customer_view c ON c.customer_id = ?
        WHERE p.product_id IN (?)`,
      [customerId, [...new Set(lines.map((l) => l.productId))]],
    );
    const byId = new Map(products.map((p) => [p.product_id, p]));
    const priced = lines.map((line, i) => {
      const product = byId.get(line.productId);
      if (!product) errors.push({ field: `lines[${i}].productId`, message: 'unknown product' });
      else if (product.status !== 'ACTIVE')
        errors.push({ field: `lines[${i}].productId`, message: 'product is discontinued' });
      return { quantity: line.quantity, product: product! };
    });
    const currency = priced.find((l) => l.product)?.product.currency;
    priced.forEach((line, i) => {
      if (line.product && line.product.currency !== currency)
        errors.push({
          field: `lines[${i}].productId`,
          message: `priced in ${line.product.currency}, the order is in ${currency}: one currency per order`,
        });
    });
    if (errors.length) throw new OrderInvalid(errors);
    const { display_name: displayName, email } = products[0]!;
    return { lines: priced, customer: displayName === null ? null : { displayName, email: email! } };
  }
}
