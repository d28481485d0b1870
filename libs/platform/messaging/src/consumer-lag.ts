import type { Metrics } from '@shopflow/platform/observability';

/** How far one partition's consumer is behind, as the adapter saw it after a fetched batch. */
export interface LagSample {
  topic: string;
  partition: number;
  /** Messages between the group's position and the partition's high watermark. */
  lag: number;
}

/**
 * `messaging_consumer_lag{topic,partition,group}`: set after every fetched batch, so it costs no
 * request of its own. A consumer that keeps failing on a partition refetches it and the gauge
 * follows the high watermark up; that growth is what the ConsumerLagGrowing alert watches.
 */
export class ConsumerLag {
  private readonly gauge;

  constructor(
    metrics: Metrics,
    private readonly group: string,
  ) {
    this.gauge = metrics.gauge(
      'messaging_consumer_lag',
      'Messages behind the high watermark, per partition',
      ['topic', 'partition', 'group'],
    );
  }

  record({ topic, partition, lag }: LagSample): void {
    this.gauge.set({ topic, partition: String(partition), group: this.group }, lag);
  }
}

/** Lag after a batch: the high watermark minus the next offset to read (0 when caught up). */
export function lagAfter(highWatermark: string, nextOffset: string): number {
  const lag = BigInt(highWatermark) - BigInt(nextOffset);
  return lag > 0n ? Number(lag) : 0;
}
