import {
  parseEvent,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type ParsedEvent,
} from '@shopflow/contracts';
import type { Logger, Metrics } from '@shopflow/platform/observability';
import { isDatabaseUnavailable, isLockContention } from '@shopflow/platform/persistence';
import { deadLetterOf, type DeadLetterReason } from './dead-letter';
import { EventRefused } from './event-refused';
import { ChunkTransactions } from './chunk-transactions';
import {
  applyRun,
  type Applicable,
  type ChunkHandler,
  type EventHandler,
  type Registered,
} from './handler-runs';
import { rememberTraceparent } from './event-traceparent';
import { markInbox } from './inbox';
import { registerConsumerGauges } from './consumer-metrics';
import { caughtUpTo } from './consumer-progress';
import type {
  BatchControls,
  ConsumerState,
  MessageBroker,
  ReceivedMessage,
  RunningConsumer,
} from './message-broker.port';
import type { UnitOfWork } from './unit-of-work';

export interface EventConsumerOptions {
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  /** Attempts before a failing message is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
  partitionsConsumedConcurrently?: number;
  /**
   * Messages of one partition applied in one transaction (1 = a transaction per message). A full
   * chunk has its own transaction; smaller ones of several partitions share one (ADR 0017).
   */
  chunkSize?: number;
}

export type { ChunkHandler, EventHandler } from './handler-runs';

type Classified =
  | { kind: 'invalid'; message: ReceivedMessage; error: string }
  | { kind: 'skip'; message: ReceivedMessage; envelope: EventEnvelope }
  | Applicable;

/**
 * Consumes events for one consumer group. Each event is validated against its contract, then
 * applied inside a transaction together with its inbox row; offsets are committed only after that
 * commit. For throughput, a partition's messages are applied `chunkSize` at a time in one
 * transaction, which the chunks of other partitions fetched with it share (`ChunkTransactions`);
 * if a chunk fails, it is rolled back and its messages are applied one by one, each
 * retried with back-off. An invalid message, or one still failing after `maxAttempts`, goes to
 * the dead-letter topic and the partition moves on. A type with no handler is skipped on purpose:
 * producers may add event types before consumers care about them.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, Registered>();
  /** The contracts this consumer validates against: kept with the handlers, not rebuilt per message. */
  private readonly definitions: EventDefinition[] = [];
  private running?: RunningConsumer;
  private readonly consumed;
  private readonly deadLettered;
  /** Records one event's time in `messaging_handler_duration_seconds`. */
  private readonly observe: (type: string, seconds: number) => void;
  private readonly chunks: ChunkTransactions;

  constructor(
    private readonly broker: MessageBroker,
    private readonly unitOfWork: UnitOfWork,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumed = metrics.counter('messaging_events_consumed_total', 'Events consumed, by outcome', [
      'topic',
      'type',
      'outcome',
    ]);
    this.deadLettered = metrics.counter(
      'messaging_events_dead_lettered_total',
      'Events sent to the dead-letter topic',
      ['topic', 'type', 'reason'],
    );
    const duration = metrics.histogram(
      'messaging_handler_duration_seconds',
      "Time to apply one event inside its transaction (a chunk handler's call, shared among its events)",
      ['type'],
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    );
    this.observe = (type, seconds) => duration.observe({ type }, seconds);
    registerConsumerGauges(metrics, options.groupId, () => this.state());
    this.chunks = new ChunkTransactions(unitOfWork, options.groupId, this.observe);
  }

  on<D extends EventDefinition>(definition: D, handler: EventHandler<EventData<D>>): this {
    return this.register(definition, { each: handler as EventHandler<never> });
  }

  /** Like `on`, but the handler takes the chunk's consecutive events of `definition` in one call. */
  onChunk<D extends EventDefinition>(definition: D, handler: ChunkHandler<EventData<D>>): this {
    return this.register(definition, { chunk: handler as ChunkHandler<never> });
  }

  private register(definition: EventDefinition, handler: Registered['handler']): this {
    this.handlers.set(`${definition.type}.v${definition.version}`, { definition, handler });
    this.definitions.push(definition);
    return this;
  }

  /** Returns at once: the group is joined in the background, so nothing (HTTP above all) waits for Kafka. */
  start(): void {
    this.running ??= this.broker.startConsumer({
      groupId: this.options.groupId,
      topics: this.options.topics,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      handleBatch: (messages, controls) => this.handleBatch(messages, controls),
    });
  }

  state(): ConsumerState {
    return this.running?.state() ?? { status: 'stopped', since: 0, assignment: {}, progress: {} };
  }

  /** Every event published before this time has been applied (see `caughtUpTo`); null when unknown. */
  caughtUpTo(now = Date.now()): number | null {
    return caughtUpTo(this.state(), now);
  }

  /** Finishes the chunk in hand, commits it and leaves the group. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  private async handleBatch(messages: readonly ReceivedMessage[], controls: BatchControls): Promise<void> {
    const chunkSize = this.options.chunkSize ?? 100;
    for (let start = 0; start < messages.length && controls.isRunning(); start += chunkSize) {
      const chunk = messages.slice(start, start + chunkSize).map((m) => this.classify(m));
      try {
        await this.applyTogether(chunk, { full: chunk.length === chunkSize });
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        // Something in the chunk fails: nothing of it was committed. Go one by one to find it.
        for (const item of chunk) {
          await this.applyAlone(item, controls.heartbeat);
          await controls.commit(item.message);
        }
        continue;
      }
      await controls.commit(chunk[chunk.length - 1]!.message);
      await controls.heartbeat();
    }
  }

  private classify(message: ReceivedMessage): Classified {
    const parsed: ParsedEvent = parseEvent(message.value, this.definitions);
    if (!parsed.ok) return { kind: 'invalid', message, error: parsed.error };
    const { envelope, definition } = parsed;
    rememberTraceparent(envelope, message.headers['traceparent']);
    const entry = definition && this.handlers.get(`${definition.type}.v${definition.version}`);
    return entry ? { kind: 'apply', message, envelope, entry } : { kind: 'skip', message, envelope };
  }

  /** Applies a chunk's applicable messages in one transaction (`ChunkTransactions`), then settles the others. */
  private async applyTogether(chunk: Classified[], { full }: { full: boolean }): Promise<void> {
    const toApply = chunk.filter((item): item is Applicable => item.kind === 'apply');
    // A chunk of events nobody here handles (the catalog reading OrderConfirmed) needs no transaction.
    if (toApply.length > 0) await this.chunks.run(toApply, { full });
    for (const item of chunk) {
      if (item.kind === 'apply') this.count(item, 'applied');
      else await this.settle(item);
    }
  }

  private async applyAlone(item: Classified, heartbeat: () => Promise<void>): Promise<void> {
    if (item.kind !== 'apply') return this.settle(item);
    const maxAttempts = this.options.maxAttempts ?? 5;
    let contended = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.unitOfWork.run((em) =>
          applyRun(em, [item], this.options.groupId, this.observe, async () => {
            const inbox = [{ topic: item.message.topic, event: item.envelope }];
            return (await markInbox(em, this.options.groupId, inbox)) === 1;
          }),
        );
        return this.count(item, applied ? 'applied' : 'duplicate');
      } catch (error) {
        // The database or broker is down: no amount of dead-lettering helps. Rethrow so nothing is
        // committed and the client fetches the message again once things recover.
        if (isDatabaseUnavailable(error)) throw error;
        // A guard or pipe said no: the same event gets the same answer, so no attempt is wasted on it.
        if (error instanceof EventRefused) {
          return this.deadLetter(item.message, 'refused', error.message, attempt, item.envelope.type);
        }
        // A deadlock victim or a lock wait timeout says nothing about the message: another
        // transaction held the rows. Try again without spending an attempt; never dead-letter it.
        if (isLockContention(error)) {
          attempt--;
          contended++;
          this.logger.debug({ eventId: item.envelope.id, contended }, 'lock contention; retrying');
          await delay((this.options.retryBaseMs ?? 100) * Math.min(2 ** contended, 20) * Math.random());
          await heartbeat();
          continue;
        }
        const { envelope } = item;
        const log = {
          err: error,
          eventId: envelope.id,
          type: envelope.type,
          attempt,
          correlationId: envelope.correlationId,
        };
        if (attempt >= maxAttempts) {
          this.logger.error(log, 'event handler keeps failing; dead-lettering');
          return this.deadLetter(item.message, 'handler-failed', errorMessage(error), attempt, envelope.type);
        }
        this.logger.warn(log, 'event handler failed; retrying');
        await delay((this.options.retryBaseMs ?? 100) * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async settle(item: Exclude<Classified, { kind: 'apply' }>): Promise<void> {
    if (item.kind === 'invalid') return this.deadLetter(item.message, 'invalid-message', item.error, 0);
    this.logger.debug({ type: item.envelope.type, version: item.envelope.version }, 'no handler; skipped');
    this.count(item, 'skipped');
  }

  private count(
    item: { message: ReceivedMessage; envelope: EventEnvelope },
    outcome: 'applied' | 'duplicate' | 'skipped',
  ) {
    this.consumed.inc({ topic: item.message.topic, type: item.envelope.type, outcome });
  }

  private async deadLetter(
    message: ReceivedMessage,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
    type = message.headers['event-type'] ?? 'unknown',
  ): Promise<void> {
    // If this send fails the batch rejects, the offset is not committed, and the message comes back.
    await this.broker.producer.send(this.options.deadLetterTopic, [
      deadLetterOf(message, { reason, error, consumerGroup: this.options.groupId, attempts }),
    ]);
    this.deadLettered.inc({ topic: message.topic, type, reason });
    this.logger.warn(
      { topic: message.topic, partition: message.partition, offset: message.offset, reason, error },
      'message dead-lettered',
    );
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
