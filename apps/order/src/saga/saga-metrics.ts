import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UnitOfWork } from '@shopflow/platform/messaging';
import { Metrics } from '@shopflow/platform/observability';

/**
 * What the saga dashboard shows besides the outcomes counted in OrderTransitions: how many orders
 * wait for the catalog right now, and why orders are rejected. Reasons are the catalog's bounded
 * codes (INSUFFICIENT_STOCK, DISCONTINUED, UNKNOWN_PRODUCT), never free text, so labels stay few.
 */
@Injectable()
export class SagaMetrics {
  private readonly rejections;

  constructor(
    dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    metrics: Metrics,
  ) {
    this.rejections = metrics.counter('order_rejections_total', 'Rejected order lines by reason', ['reason']);
    // ix_customer_order_deadline starts with status: the count reads the index, not the table.
    metrics.gauge(
      'order_pending_orders',
      'Orders placed and not yet in a final state',
      [],
      async function () {
        const [row] = await dataSource.query(
          "SELECT COUNT(*) AS pending FROM customer_order WHERE status = 'PENDING'",
        );
        this.set(Number(row.pending));
      },
    );
  }

  /** Counted after the commit of the transaction that rejected the order. */
  rejected(em: EntityManager, reasons: readonly string[]): void {
    this.unitOfWork.afterCommit(em, () => {
      for (const reason of new Set(reasons)) this.rejections.inc({ reason });
    });
  }
}
