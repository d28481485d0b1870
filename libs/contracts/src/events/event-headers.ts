import type { EventEnvelope } from './envelope';

/** Kafka headers every event carries, so tools can route and trace without parsing the value. */
export const EVENT_HEADERS = {
  id: 'event-id',
  type: 'event-type',
  version: 'event-version',
  correlationId: 'x-correlation-id',
  causationId: 'causation-id',
  producer: 'producer',
} as const;

/** The headers an event is sent with, from its envelope; `causation-id` only when it has a cause. */
export function headersOf(envelope: EventEnvelope): Record<string, string> {
  return {
    [EVENT_HEADERS.id]: envelope.id,
    [EVENT_HEADERS.type]: envelope.type,
    [EVENT_HEADERS.version]: String(envelope.version),
    [EVENT_HEADERS.correlationId]: envelope.correlationId,
    [EVENT_HEADERS.producer]: envelope.producer,
    ...(envelope.causationId ? { [EVENT_HEADERS.causationId]: envelope.causationId } : {}),
  };
}
