import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventConsumer, UnitOfWork } from '@shopflow/platform/messaging';
import { OrderTransitions } from '../orders/order-transitions';

export class OrderTimeoutOptions {
  constructor(
    readonly sweepIntervalMs: number,
    readonly batchSize = 100,
  ) {}
}

/**
 * Rejects orders still PENDING after their deadline, with reason `timeout`. Every replica sweeps;
 * SKIP LOCKED lets them share the work without waiting on each other, and the state machine makes
 * a late sweep of an order that just got its answer a recorded no-op.
 *
 * "No answer in time" is judged in the consumer's time, not the wall clock's: an order times out
 * only once its deadline lies before the point up to which this instance has applied the catalog's
 * answers. While the consumer is rejoining after a crash, or catching up on a backlog, the answers
 * may be waiting in Kafka, and rejecting those orders would turn a restart into lost sales (ADR 0008).
 */
@Injectable()
export class OrderTimeouts implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OrderTimeouts');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly transitions: OrderTransitions,
    private readonly options: OrderTimeoutOptions,
    private readonly consumer: EventConsumer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`timeout sweep failed: ${String(error)}`))
        .finally(() => (this.sweeping = undefined));
    }, this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass; returns how many orders timed out. */
  async sweep(now = new Date()): Promise<number> {
    const answeredUpTo = this.consumer.caughtUpTo(now.getTime());
    if (answeredUpTo === null) return 0;
    const cutoff = new Date(answeredUpTo);
    return this.unitOfWork.run(async (em) => {
      const overdue: { id: string }[] = await em.query(
        `SELECT id FROM customer_order WHERE status = 'PENDING' AND deadline_at <= ?
          ORDER BY deadline_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [cutoff, this.options.batchSize],
      );
      await this.transitions.applyAll(
        em,
        overdue.map(({ id }) => ({ orderId: id, trigger: 'TIMED_OUT', reasons: ['timeout'] })),
      );
      return overdue.length;
    });
  }
}
