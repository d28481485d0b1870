import type { EntityManager } from 'typeorm';
import { parseEvent, type EventData, type EventDefinition, type EventEnvelope } from '@shopflow/contracts';
import { runInEventScope, type Logger, type Metrics } from '@shopflow/platform/observability';
import { deadLetterOf, type DeadLetterReason } from './dead-letter';
import { errorCode, markInbox } from './inbox';
import type { MessageBroker, ReceivedMessage, RunningConsumer } from './message-broker.port';
import type { UnitOfWork } from './unit-of-work';

export interface EventConsumerOptions {
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  /** Attempts before a failing message is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
  partitionsConsumedConcurrently?: number;
}

export type EventHandler<T> = (em: EntityManager, event: EventEnvelope<T>) => Promise<void>;

/** Errors that say the infrastructure is down, not that the message is bad: never dead-lettered. */
const INFRASTRUCTURE_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

/**
 * Consumes events for one consumer group. Each event is validated against its contract, then
 * applied inside one transaction together with its inbox row; the offset is committed after that
 * commit. Failures are retried with back-off; an invalid message, or one that still fails after
 * `maxAttempts`, goes to the dead-letter topic and the partition moves on. A type with no handler
 * is skipped on purpose: producers may add event types before consumers care about them.
 */
export class EventConsumer {
  private readonly handlers = new Map<
    string,
    { definition: EventDefinition; handler: EventHandler<never> }
  >();
  private running?: RunningConsumer;
  private readonly consumed;
  private readonly deadLettered;
  private readonly duration;

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
    this.duration = metrics.histogram(
      'messaging_handler_duration_seconds',
      'Time to apply one event, transaction included',
      ['type'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
  }

  on<D extends EventDefinition>(definition: D, handler: EventHandler<EventData<D>>): this {
    this.handlers.set(`${definition.type}.v${definition.version}`, {
      definition,
      handler: handler as EventHandler<never>,
    });
    return this;
  }

  async start(): Promise<void> {
    this.running ??= await this.broker.startConsumer({
      groupId: this.options.groupId,
      topics: this.options.topics,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      handle: (message, { heartbeat }) => this.handle(message, heartbeat),
    });
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }

  private async handle(message: ReceivedMessage, heartbeat: () => Promise<void>): Promise<void> {
    const definitions = [...this.handlers.values()].map((h) => h.definition);
    const parsed = parseEvent(message.value, definitions);
    if (!parsed.ok) return this.deadLetter(message, 'invalid-message', parsed.error, 0);
    const { envelope, definition } = parsed;
    const entry = definition && this.handlers.get(`${definition.type}.v${definition.version}`);
    if (!entry) {
      this.logger.debug(
        { type: envelope.type, version: envelope.version, topic: message.topic },
        'no handler; skipped',
      );
      this.consumed.inc({ topic: message.topic, type: envelope.type, outcome: 'skipped' });
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      // Every attempt is timed, failed ones included: a slow failing handler is worth seeing.
      const endTimer = this.duration.startTimer({ type: envelope.type });
      try {
        const applied = await runInEventScope(
          { correlationId: envelope.correlationId, causationId: envelope.id },
          () =>
            this.unitOfWork.run(async (em) => {
              if (!(await markInbox(em, this.options.groupId, message.topic, envelope))) return false;
              await entry.handler(em, envelope as never);
              return true;
            }),
        );
        endTimer();
        this.consumed.inc({
          topic: message.topic,
          type: envelope.type,
          outcome: applied ? 'applied' : 'duplicate',
        });
        return;
      } catch (error) {
        endTimer();
        // The database or broker is down: no amount of dead-lettering helps. Rethrow so nothing is
        // committed and the client fetches the message again once things recover.
        if (INFRASTRUCTURE_ERRORS.has(errorCode(error) ?? '')) throw error;
        const log = {
          err: error,
          eventId: envelope.id,
          type: envelope.type,
          attempt,
          correlationId: envelope.correlationId,
        };
        if (attempt >= maxAttempts) {
          this.logger.error(log, 'event handler keeps failing; dead-lettering');
          return this.deadLetter(message, 'handler-failed', errorMessage(error), attempt, envelope.type);
        }
        this.logger.warn(log, 'event handler failed; retrying');
        await new Promise((resolve) =>
          setTimeout(resolve, (this.options.retryBaseMs ?? 100) * 2 ** (attempt - 1)),
        );
        await heartbeat();
      }
    }
  }

  private async deadLetter(
    message: ReceivedMessage,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
    type = message.headers['event-type'] ?? 'unknown',
  ): Promise<void> {
    // If this send fails the handler rejects, the offset is not committed, and the message comes back.
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
