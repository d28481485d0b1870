import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@shopflow/platform/observability';
import { decodeHeaders } from './kafkajs.headers';
import { StartPosition } from './kafkajs.start-position';
import type {
  BatchHandler,
  ConsumerSpec,
  ConsumerState,
  ReceivedMessage,
  RunningConsumer,
} from './message-broker.port';

export interface GroupTimings {
  /** How long the group waits for a silent member before its partitions move (broker minimum 6 s). */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest a fetch waits for data; kafkajs heartbeats between fetches, so it bounds heartbeat gaps. */
  maxWaitTimeMs: number;
  /**
   * Applied offsets are written to Kafka at most this often, and always when the member stops or
   * the group rebalances. 0 writes them after every fetched batch.
   */
  offsetCommitIntervalMs: number;
}

type PartitionOffset = { topic: string; partition: number; offset: string };

const RESTART_BACKOFF_MS = [500, 1_000, 2_000, 5_000];
/** The longest a stop, a rebalance or a failed batch waits to write offsets; what is not written is read again. */
const OFFSET_WRITE_BOUND_MS = 2_000;

/**
 * One consumer-group member that keeps itself alive: `start` returns at once, the member connects
 * and joins in the background (an HTTP server never waits for Kafka), and it starts over after any
 * crash, including those kafkajs itself gives up on, until `stop`. Its state (joined or not, the
 * partitions it holds, how far behind it is) is kept for readiness details, metrics and the order
 * service's timeout sweep.
 */
export class KafkajsGroupMember implements RunningConsumer {
  private consumer?: Consumer;
  private stopped = false;
  private attempt = 0;
  /** Only for `fromBeginning: false`: taken once, kept across sessions. */
  private startPosition?: StartPosition;
  private current: ConsumerState = { status: 'starting', since: Date.now(), assignment: {}, progress: {} };
  private readonly lifecycle: Promise<void>;
  private resolveJoined!: () => void;
  readonly joined = new Promise<void>((resolve) => (this.resolveJoined = resolve));
  private resolveStopping!: () => void;
  private readonly stopping = new Promise<void>((resolve) => (this.resolveStopping = resolve));
  /** Next offsets to read, by `topic/partition`: applied and committed to the database, not yet to Kafka. */
  private readonly uncommitted = new Map<string, PartitionOffset>();
  private lastOffsetCommit = 0;
  private offsetCommitTimer?: NodeJS.Timeout;
  private offsetWrite?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: ConsumerSpec & { handleBatch: BatchHandler },
    private readonly timings: GroupTimings,
    private readonly logger: Logger,
    /** The broker's admin client, connected: only a member that starts at the log end needs it. */
    private readonly admin: () => Promise<Admin>,
  ) {
    this.lifecycle = this.runUntilStopped();
  }

  state(): ConsumerState {
    return this.current;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.resolveStopping();
    const consumer = this.consumer;
    // What was applied is written to Kafka before leaving, so the next owner does not read it again.
    if (consumer) await this.commitNow(consumer);
    // Leaves the group after the batch in hand (which commits its own offsets), so the partitions
    // move at once instead of after the session timeout.
    await consumer?.disconnect().catch(() => undefined);
    clearTimeout(this.offsetCommitTimer);
    await this.lifecycle;
    this.setStatus('stopped');
  }

  private async runUntilStopped(): Promise<void> {
    while (!this.stopped) {
      const crashed = new Promise<void>((resolve) => this.session(resolve));
      await Promise.race([crashed, this.stopping]);
      if (this.stopped) return;
      const wait = RESTART_BACKOFF_MS[Math.min(this.attempt++, RESTART_BACKOFF_MS.length - 1)]!;
      this.logger.warn({ groupId: this.spec.groupId, retryInMs: wait }, 'consumer restarting');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** One kafkajs consumer, from connect to the crash kafkajs does not recover from by itself. */
  private session(onGiveUp: () => void): void {
    const consumer = this.kafka.consumer(this.consumerConfig());
    this.consumer = consumer;
    // Offsets a crashed session did not write belong to its generation: the messages are read again.
    this.uncommitted.clear();
    const giveUp = (error: unknown) => {
      if (this.consumer !== consumer) return;
      this.consumer = undefined;
      this.setStatus('crashed', error);
      void consumer.disconnect().catch(() => undefined);
      onGiveUp();
    };
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.attempt = 0;
      // An offset not written before the rebalance is dropped if its partition went elsewhere.
      for (const [key, { topic, partition }] of this.uncommitted)
        if (!payload.memberAssignment[topic]?.includes(partition)) this.uncommitted.delete(key);
      this.current = {
        status: 'joined',
        since: Date.now(),
        memberId: payload.memberId,
        assignment: payload.memberAssignment,
        progress: {},
      };
      this.startPosition?.seekOnJoin(consumer, payload.memberAssignment);
      this.resolveJoined();
    });
    consumer.on(events.REBALANCING, () => {
      this.setStatus('rebalancing');
      // Still this generation's: Kafka takes the commit now, or refuses it once the group has moved
      // on (then the next owner reads those messages again, and the inbox makes them no-ops).
      void this.commitNow(consumer);
    });
    consumer.on(events.CRASH, ({ payload }) => {
      if (payload.restart) this.setStatus('crashed', payload.error);
      else giveUp(payload.error);
    });
    this.setStatus('joining');
    (async () => {
      if (this.spec.fromBeginning === false)
        this.startPosition ??= await StartPosition.atLogEnd(await this.admin(), this.spec.topics);
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.spec.topics],
        fromBeginning: this.spec.fromBeginning ?? true,
      });
      if (this.stopped) return consumer.disconnect();
      // Resolves once joined, or after a crash that the CRASH listener has already handled.
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.spec.partitionsConsumedConcurrently ?? 1,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.handleBatch(consumer, payload),
      });
    })().catch(giveUp);
  }

  private consumerConfig(): ConsumerConfig {
    return {
      groupId: this.spec.groupId,
      sessionTimeout: this.timings.sessionTimeoutMs,
      heartbeatInterval: this.timings.heartbeatIntervalMs,
      maxWaitTimeInMs: this.timings.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      // kafkajs restarts by itself after retriable errors; not once this member is stopping.
      retry: { restartOnFailure: async () => !this.stopped },
    };
  }

  private async handleBatch(
    consumer: Consumer,
    { batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload,
  ): Promise<void> {
    const { topic, partition, highWatermark } = batch;
    const track = (nextOffset: string, timestamp: string) => {
      this.current.progress[`${topic}/${partition}`] = {
        lag: Number(BigInt(highWatermark) - BigInt(nextOffset)),
        timestamp: Number(timestamp),
      };
    };
    const first = batch.messages[0];
    if (first) track(first.offset, first.timestamp);
    try {
      await this.spec.handleBatch(
        batch.messages.map((m) => toReceived(topic, partition, m)),
        {
          heartbeat,
          isRunning: () => isRunning() && !isStale(),
          commit: async (upTo) => {
            resolveOffset(upTo.offset);
            const next = (BigInt(upTo.offset) + 1n).toString();
            this.uncommitted.set(`${topic}/${partition}`, { topic, partition, offset: next });
            this.startPosition?.read(topic, partition, next);
            track(next, upTo.timestamp);
          },
        },
      );
    } catch (error) {
      await this.commitNow(consumer);
      throw error;
    }
    if (this.stopped || isStale()) await this.commitNow(consumer);
    else this.commitSoon(consumer);
  }

  /**
   * Starts writing the applied offsets to Kafka, at most once per `offsetCommitIntervalMs` (a
   * timer catches up when the interval has not passed, or after a write under way). Never awaited
   * by the batch: while a dead broker is still in the offsets topic's ISR, a commit takes seconds
   * to time out, and the partition must not wait for it. Between writes a crash costs only
   * redelivery of what was applied since the last one, which the inbox turns into no-ops (ADR 0014).
   */
  private commitSoon(consumer: Consumer, { atLeastMs = 0 } = {}): void {
    if (this.uncommitted.size === 0 || this.offsetWrite || this.consumer !== consumer) return;
    const wait = Math.max(
      atLeastMs,
      this.lastOffsetCommit + this.timings.offsetCommitIntervalMs - Date.now(),
    );
    if (wait > 0) {
      this.offsetCommitTimer ??= setTimeout(() => {
        this.offsetCommitTimer = undefined;
        this.commitSoon(consumer);
      }, wait);
      this.offsetCommitTimer.unref();
      return;
    }
    void this.enqueueWrite(consumer).then(() => {
      // Applied while it was under way, or put back after a failure: written at the next turn,
      // never in a tight loop.
      if (!this.stopped) this.commitSoon(consumer, { atLeastMs: 100 });
    });
  }

  /** Writes what is applied now (stop, rebalance, a failed batch), within `OFFSET_WRITE_BOUND_MS`. */
  private async commitNow(consumer: Consumer): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, OFFSET_WRITE_BOUND_MS)));
    await Promise.race([this.enqueueWrite(consumer), bound]);
    clearTimeout(timer);
  }

  /** One write at a time, in order: an older offset never lands after a newer one. */
  private enqueueWrite(consumer: Consumer): Promise<void> {
    const write: Promise<void> = (this.offsetWrite ?? Promise.resolve())
      .then(() => this.writeOffsets(consumer))
      .catch(() => undefined) // put back for the next write; kafkajs has logged why
      .finally(() => {
        if (this.offsetWrite === write) this.offsetWrite = undefined;
      });
    this.offsetWrite = write;
    return write;
  }

  private async writeOffsets(consumer: Consumer): Promise<void> {
    if (this.uncommitted.size === 0) return;
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    this.lastOffsetCommit = Date.now();
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      // Kept for the next try, unless a newer offset of the partition came meanwhile.
      for (const o of offsets) {
        const key = `${o.topic}/${o.partition}`;
        if (!this.uncommitted.has(key)) this.uncommitted.set(key, o);
      }
      throw error;
    }
  }

  private setStatus(status: ConsumerState['status'], error?: unknown): void {
    const lastError =
      error === undefined ? undefined : error instanceof Error ? error.message : String(error);
    if (status !== 'joined') this.current = { ...this.current, assignment: {}, progress: {} };
    this.current = { ...this.current, status, since: Date.now(), ...(lastError ? { lastError } : {}) };
    if (status === 'crashed')
      this.logger.warn({ groupId: this.spec.groupId, err: lastError }, 'consumer crashed');
  }
}

function toReceived(topic: string, partition: number, message: KafkaMessage): ReceivedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: decodeHeaders(message.headers),
    timestamp: message.timestamp,
  };
}
