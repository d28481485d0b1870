import { Injectable } from '@nestjs/common';
import { StockAdjustedV1, type StockAdjustment } from '@shopflow/contracts';
import { Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { CatalogReadCache } from '../cache/catalog-read-cache';
import { ProductNotFound, StockBelowReserved } from '../products/product.errors';
import { recordMovement } from '../products/products.service';

@Injectable()
export class StockService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly cache: CatalogReadCache,
  ) {}

  /**
   * Receives or writes off units, with an audit row per movement. Only available units can be
   * written off: what is reserved belongs to orders, so on-hand stock never drops below it.
   */
  async adjust(productId: string, delta: number, reason: string, actorId: string): Promise<StockAdjustment> {
    const adjustment = await this.unitOfWork.run(async (em) => {
      const rows: { stock_available: number; stock_reserved: number }[] = await em.query(
        'SELECT stock_available, stock_reserved FROM product WHERE id = ? FOR UPDATE',
        [productId],
      );
      const stock = rows[0];
      if (!stock) throw new ProductNotFound();
      const available = stock.stock_available + delta;
      if (available < 0) throw new StockBelowReserved(stock.stock_available, stock.stock_reserved);
      const now = new Date();
      await em.query('UPDATE product SET stock_available = ? WHERE id = ?', [available, productId]);
      const id = await recordMovement(em, productId, delta, reason, actorId, now);
      // Other replicas' caches (and any read model) learn of the new stock from this event.
      await this.outbox.add(em, StockAdjustedV1, {
        productId,
        delta,
        stockAvailable: available,
        stockReserved: stock.stock_reserved,
      });
      return {
        id,
        productId,
        delta,
        reason,
        stockAvailable: available,
        stockReserved: stock.stock_reserved,
        createdAt: now.toISOString(),
      };
    });
    await this.cache.invalidate({ productIds: [productId], pages: true }, 'local');
    return adjustment;
  }
}
