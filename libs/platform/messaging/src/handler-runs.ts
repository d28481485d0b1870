import { performance } from 'node:perf_hooks';
import type { EntityManager } from 'typeorm';
import type { EventDefinition, EventEnvelope } from '@shopflow/contracts';
import {
  runInEventScope,
  traceProcess,
  traceProcessChunk,
  type ProcessedMessage,
} from '@shopflow/platform/observability';
import type { ReceivedMessage } from './message-broker.port';

/** Runs inside the chunk's transaction; `message` says where the event was read (topic, partition, offset). */
export type EventHandler<T> = (
  em: EntityManager,
  event: EventEnvelope<T>,
  message: ReceivedMessage,
) => Promise<void>;

/**
 * Runs inside the chunk's transaction with a run of consecutive events of one contract from that
 * chunk (one event when the chunk is replayed one by one). A transaction may hold the chunks of
 * several partitions, one after another, so a run may too, each partition's events in order. For
 * handlers whose statements can cover many events at once: lock every row the run needs in one
 * SELECT, write them in one UPDATE. It runs in no event's scope, even for one event: events it
 * emits name their cause explicitly (`Outbox.add(…, { causedBy })`).
 */
export type ChunkHandler<T> = (
  em: EntityManager,
  events: EventEnvelope<T>[],
  messages: ReceivedMessage[],
) => Promise<void>;

export interface Registered {
  definition: EventDefinition;
  handler: { each: EventHandler<never> } | { chunk: ChunkHandler<never> };
}

export interface Applicable {
  kind: 'apply';
  message: ReceivedMessage;
  envelope: EventEnvelope;
  entry: Registered;
}

/** Consecutive events for one chunk handler go together; every other event is a run of its own. */
export function runsOf(items: readonly Applicable[]): Applicable[][] {
  const runs: Applicable[][] = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last && 'chunk' in item.entry.handler && last[0]!.entry === item.entry) last.push(item);
    else runs.push([item]);
  }
  return runs;
}

/**
 * The effect of a run (one event, unless its handler takes chunks): each event in its own
 * correlation scope and `process` span, or the run in one call and one span. `beforeHandler` runs
 * inside the span first (the inbox row, when an event is applied alone); false skips the handler.
 * `observe` gets each event's share of the time.
 */
export async function applyRun(
  em: EntityManager,
  run: readonly Applicable[],
  consumerGroup: string,
  observe: (type: string, seconds: number) => void,
  beforeHandler: () => Promise<boolean> = async () => true,
): Promise<boolean> {
  const { handler } = run[0]!.entry;
  const started = performance.now();
  const traced: ProcessedMessage[] = run.map(({ envelope, message }) => ({
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    consumerGroup,
    eventId: envelope.id,
    eventType: envelope.type,
    traceparent: message.headers['traceparent'],
  }));
  try {
    if ('chunk' in handler)
      return await traceProcessChunk(traced, async () => {
        if (!(await beforeHandler())) return false;
        const events = run.map((item) => item.envelope as EventEnvelope<never>);
        await handler.chunk(
          em,
          events,
          run.map((item) => item.message),
        );
        return true;
      });
    for (const [i, { envelope, message }] of run.entries()) {
      const applied = await traceProcess(traced[i]!, async () => {
        if (!(await beforeHandler())) return false;
        const scope = { correlationId: envelope.correlationId, causationId: envelope.id };
        await runInEventScope(scope, () => handler.each(em, envelope as EventEnvelope<never>, message));
        return true;
      });
      if (!applied) return false;
    }
    return true;
  } finally {
    // Failed attempts too: a slow failing handler is worth seeing. A run's time is shared out.
    const seconds = (performance.now() - started) / 1000 / run.length;
    for (const { envelope } of run) observe(envelope.type, seconds);
  }
}
