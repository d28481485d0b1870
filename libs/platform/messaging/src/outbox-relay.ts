import type { DataSource, QueryRunner } from 'typeorm';
import { traceSend, type Logger, type Metrics } from '@shopflow/platform/observability';
import type { MessageProducer } from './message-broker.port';
import { isDatabaseUnavailable } from '@shopflow/platform/persistence';

export interface OutboxRelayOptions {
  /** For logs; the lock is per database schema: one active relay per service, however many replicas. */
  service: string;
  batchSize?: number;
  /** Fallback when nothing wakes the relay (rows written by another replica, missed wake-ups). */
  pollIntervalMs?: number;
  /** Published rows are kept this long for diagnosis, then pruned. Inbox rows twice as long. */
  retentionMs?: number;
  /** How often pruning runs. Default 60 s. */
  pruneIntervalMs?: number;
  maxBackoffMs?: number;
  /**
   * Sent rows are marked published in one UPDATE at most this often (default 250 ms), not one per
   * batch; until then the relay skips them by `seq`. A crash in between republishes them.
   */
  markIntervalMs?: number;
}

interface OutboxRow {
  seq: string;
  topic: string;
  message_key: string;
  event_type: string;
  payload: string;
  headers: string;
  traceparent: string | null;
}

const PRUNE_CHUNK = 5_000;

/**
 * Publishes committed outbox rows in `seq` order. Exactly one relay per service is active: it holds
 * a MySQL named lock (GET_LOCK) on its own connection and runs every query on that connection, so
 * a query that succeeds proves the lock is still held. Publishing is at-least-once (a crash between
 * the broker's ack and the UPDATE republishes); consumers deduplicate on the event id. Rows the
 * broker has acknowledged are marked published every `markIntervalMs`, all in one UPDATE: a relay
 * that marked each batch spent a statement per event at moderate load (ADR 0015).
 *
 * A failed send is retried with exponential back-off, from the oldest unpublished row of that
 * topic, so no row is dropped and no key's events overtake each other.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly maxBackoffMs: number;
  private readonly markIntervalMs: number;
  private connection?: QueryRunner;
  /** Sent and acknowledged by the broker, by send, not yet marked published: the SELECT skips them. */
  private sent: { seqs: string[]; at: Date }[] = [];
  private lastMark = 0;
  private running?: Promise<void>;
  private stopped = false;
  private woken = false;
  private wakeUp?: () => void;
  private failures = 0;
  private lastPrune = 0;
  private readonly published;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: MessageProducer,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.markIntervalMs = options.markIntervalMs ?? 250;
    this.published = metrics.counter('messaging_events_published_total', 'Events published from the outbox', [
      'topic',
      'type',
    ]);
    // prom-client calls `collect` with the gauge as `this`; read the backlog through a closure.
    const backlog = () => this.backlog();
    metrics.gauge('messaging_outbox_pending', 'Outbox rows not yet published', [], async function () {
      this.set((await backlog()).pending);
    });
    metrics.gauge(
      'messaging_outbox_oldest_pending_age_seconds',
      'Age of the oldest unpublished outbox row (0 when none)',
      [],
      async function () {
        this.set((await backlog()).oldestAgeSeconds);
      },
    );
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Called after a commit that wrote to the outbox. Cheap: sets a flag, resolves a promise. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the batch in hand, marks what it sent, then releases the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    await this.markPublished().catch(() => undefined); // if not, the next relay sends them again
    await this.releaseLock();
  }

  /** Rows not yet sent; rows this relay sent but has not marked yet are not pending. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const unsent = this.unsentRows();
    const [row] = await this.dataSource.query(
      `SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox_message WHERE ${unsent.where}`,
      unsent.params,
    );
    const oldest = row.oldest ? new Date(row.oldest).getTime() : undefined;
    return {
      pending: Number(row.pending),
      oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - oldest) / 1000) : 0,
    };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.acquireLock())) {
          await this.idle(this.pollIntervalMs * 5);
          continue;
        }
        const count = await this.publishBatch();
        this.failures = 0;
        // Marked by time, or once a batch's worth waits: the list the SELECT skips stays short.
        if (Date.now() - this.lastMark >= this.markIntervalMs || this.sentSeqs().length >= this.batchSize)
          await this.markPublished();
        if (count === this.batchSize) continue; // more is waiting
        await this.pruneIfDue();
        // Sent rows wait to be marked no longer than the mark interval, however quiet it gets.
        await this.idle(
          this.sent.length > 0 ? Math.min(this.markIntervalMs, this.pollIntervalMs) : this.pollIntervalMs,
        );
      } catch (error) {
        this.failures++;
        const backoff = Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(this.failures, 16));
        this.logger.warn(
          { err: error, failures: this.failures, backoffMs: backoff },
          'outbox relay failed; retrying',
        );
        // What did go out is marked now, not after the failing topic recovers (it may never).
        await this.markPublished().catch(() => undefined);
        if (isDatabaseUnavailable(error)) await this.releaseLock();
        await this.idle(backoff, { ignoreWake: true });
      }
    }
  }

  private async publishBatch(): Promise<number> {
    const unsent = this.unsentRows();
    const rows: OutboxRow[] = await this.connection!.query(
      `SELECT seq, topic, message_key, event_type, payload, headers, traceparent FROM outbox_message
       WHERE ${unsent.where} ORDER BY seq LIMIT ?`,
      [...unsent.params, this.batchSize],
    );
    if (rows.length === 0) return 0;
    // One send per topic, rows in seq order: per-key order holds within each topic's partitions.
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const topicRows = byTopic.get(row.topic);
      if (topicRows) topicRows.push(row);
      else byTopic.set(row.topic, [row]);
    }
    let firstError: unknown;
    for (const [topic, topicRows] of byTopic) {
      try {
        await traceSend(
          topic,
          topicRows.map((row) => row.traceparent),
          () =>
            this.producer.send(
              topic,
              topicRows.map((row) => ({
                key: row.message_key,
                value: row.payload,
                // The event's creation context, for the consumer to continue (W3C trace context).
                headers: row.traceparent
                  ? { ...JSON.parse(row.headers), traceparent: row.traceparent }
                  : JSON.parse(row.headers),
              })),
            ),
        );
        this.sent.push({ seqs: topicRows.map((row) => row.seq), at: new Date() });
        for (const row of topicRows) this.published.inc({ topic, type: row.event_type });
      } catch (error) {
        firstError ??= error;
        const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
        await this.connection!.query(
          'UPDATE outbox_message SET attempts = attempts + 1, last_error = ? WHERE seq IN (?)',
          [message, topicRows.map((r) => r.seq)],
        ).catch(() => undefined);
      }
    }
    if (firstError) throw firstError;
    return rows.length;
  }

  private async acquireLock(): Promise<boolean> {
    if (this.connection) return true;
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    // Named locks are server-wide; the schema name keeps two databases on one server apart.
    const [row] = await connection.query(
      `SELECT GET_LOCK(CONCAT('outbox-relay:', DATABASE()), 0) AS acquired`,
    );
    if (Number(row.acquired) === 1) {
      this.connection = connection;
      this.lastMark = Date.now();
      this.logger.info({ service: this.options.service }, 'outbox relay active');
      return true;
    }
    await connection.release();
    return false;
  }

  private sentSeqs(): string[] {
    return this.sent.flatMap((send) => send.seqs);
  }

  /** Rows not published and not sent by this relay since its last mark: the condition and its values. */
  private unsentRows(): { where: string; params: unknown[] } {
    return this.sent.length === 0
      ? { where: 'published_at IS NULL', params: [] }
      : { where: 'published_at IS NULL AND seq NOT IN (?)', params: [this.sentSeqs()] };
  }

  /** One UPDATE for every row sent since the last one; each row gets the time its send was acknowledged. */
  private async markPublished(): Promise<void> {
    this.lastMark = Date.now();
    const sends = this.sent;
    if (sends.length === 0 || !this.connection) return;
    await this.connection.query(
      `UPDATE outbox_message
          SET published_at = CASE ${sends.map(() => 'WHEN seq IN (?) THEN ?').join(' ')} END,
              attempts = attempts + 1, last_error = NULL
        WHERE seq IN (?)`,
      [...sends.flatMap((send) => [send.seqs, send.at]), this.sentSeqs()],
    );
    // Only now: after a failed UPDATE they stay skipped, and are marked at the next turn.
    this.sent = this.sent.slice(sends.length);
  }

  private async releaseLock(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    // Whoever holds the lock next sends these again; consumers deduplicate.
    this.sent = [];
    if (!connection) return;
    await connection.query(`SELECT RELEASE_LOCK(CONCAT('outbox-relay:', DATABASE()))`).catch(() => undefined);
    await connection.release().catch(() => undefined);
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < (this.options.pruneIntervalMs ?? 60_000)) return;
    this.lastPrune = Date.now();
    const publishedBefore = new Date(Date.now() - this.retentionMs);
    const processedBefore = new Date(Date.now() - 2 * this.retentionMs);
    for (const [sql, before] of [
      [
        'DELETE FROM outbox_message WHERE published_at IS NOT NULL AND published_at < ? LIMIT ?',
        publishedBefore,
      ],
      ['DELETE FROM inbox_message WHERE processed_at < ? LIMIT ?', processedBefore],
    ] as const) {
      // Small chunks keep each DELETE's locks short.
      for (let deleted = PRUNE_CHUNK; deleted === PRUNE_CHUNK && !this.stopped;) {
        const result = await this.connection!.query(sql, [before, PRUNE_CHUNK]);
        deleted = Number(result.affectedRows ?? 0);
      }
    }
  }

  private idle(ms: number, { ignoreWake = false } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.woken && !ignoreWake) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        if (this.stopped || !ignoreWake) {
          this.woken = false;
          this.wakeUp = undefined;
          done();
        }
      };
    });
  }
}
