import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  headersOf,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type ServiceName,
} from '@shopflow/contracts';
import { currentCausationId, currentCorrelationId, traceNewMessage } from '@shopflow/platform/observability';
import { traceparentOf } from './event-traceparent';
import { InsertAtCommit } from './insert-at-commit';
import type { UnitOfWork } from './unit-of-work';

type OutboxRow = [string, string, string, string, string, string, Date, string | null];

/**
 * Writes events into the outbox table through the caller's transaction, so the event commits or
 * rolls back with the state change it announces. The relay publishes it after the commit.
 *
 * In a transaction of `unitOfWork`, rows are staged and written in one INSERT just before COMMIT:
 * a consumer chunk that emits an event per message costs one statement, not one per message. They
 * get their `seq` (the relay's publishing order) in the order `add` was called, while the
 * transaction still holds the locks that order events of one key.
 */
export class Outbox {
  private readonly rows: InsertAtCommit<OutboxRow>;

  constructor(
    private readonly producer: ServiceName,
    unitOfWork?: UnitOfWork,
  ) {
    this.rows = new InsertAtCommit(
      `INSERT INTO outbox_message (id, topic, message_key, event_type, payload, headers, created_at, traceparent)
       VALUES ?`,
      unitOfWork,
    );
  }

  /**
   * `causedBy`: the event this one answers, for a chunk handler (which runs in no single event's
   * scope): its correlation id, its id as the cause, and its trace. Otherwise they come from the
   * current scope: the request, or the event a per-event handler applies.
   */
  async add<D extends EventDefinition>(
    em: EntityManager,
    definition: D,
    data: EventData<D>,
    { causedBy }: { causedBy?: EventEnvelope } = {},
  ): Promise<EventEnvelope<EventData<D>>> {
    // Validate on produce: a payload that breaks its contract is a bug here, not a consumer's problem.
    const valid = definition.schema.parse(data) as EventData<D>;
    const envelope: EventEnvelope<EventData<D>> = {
      id: randomUUID(),
      type: definition.type,
      version: definition.version,
      occurredAt: new Date().toISOString(),
      producer: this.producer,
      correlationId: causedBy?.correlationId ?? currentCorrelationId() ?? randomUUID(),
      causationId: causedBy ? causedBy.id : (currentCausationId() ?? null),
      key: String(valid[definition.keyField]),
      data: valid,
    };
    // The trace of the work that caused this event, kept with the row: the relay sends it on.
    const traceparent = traceNewMessage(
      definition.topic,
      envelope.type,
      envelope.id,
      causedBy && traceparentOf(causedBy),
    );
    const row: OutboxRow = [
      envelope.id,
      definition.topic,
      envelope.key,
      envelope.type,
      JSON.stringify(envelope),
      JSON.stringify(headersOf(envelope)),
      new Date(),
      traceparent,
    ];
    await this.rows.add(em, row);
    return envelope;
  }
}
