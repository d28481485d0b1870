import { HttpStatus, Injectable } from '@nestjs/common';
import type { StockAdjustment } from '@shopflow/contracts';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { ProblemException } from '@shopflow/platform/service';
import { PRODUCT_NOT_FOUND, recordMovement } from '../products/products.service';

export const STOCK_BELOW_RESERVED = 'STOCK.BELOW_RESERVED';

@Injectable()
export class StockService {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Receives or writes off units, with an audit row per movement. Only available units can be
   * written off: what is reserved belongs to orders, so on-hand stock never drops below it.
   */
  async adjust(productId: string, delta: number, reason: string, actorId: string): Promise<StockAdjustment> {
    return this.unitOfWork.run(async (em) => {
      const rows: { stock_available: number; stock_reserved: number }[] = await em.query(
        'SELECT stock_available, stock_reserved FROM product WHERE id = ? FOR UPDATE',
        [productId],
      );
      const stock = rows[0];
      if (!stock) throw new ProblemException(HttpStatus.NOT_FOUND, PRODUCT_NOT_FOUND, 'No such product.');
      const available = stock.stock_available + delta;
      if (available < 0)
        throw new ProblemException(
          HttpStatus.CONFLICT,
          STOCK_BELOW_RESERVED,
          `Only ${stock.stock_available} unit(s) are free to write off; ${stock.stock_reserved} are reserved for orders.`,
        );
      const now = new Date();
      await em.query('UPDATE product SET stock_available = ? WHERE id = ?', [available, productId]);
      const id = await recordMovement(em, productId, delta, reason, actorId, now);
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
  }
}
