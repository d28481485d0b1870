import { randomUUID } from 'node:crypto';
import type { EventData, EventDefinition, EventEnvelope, ServiceName } from '@shopflow/contracts';

/**
 * An event as its producer would have written it: a fresh id and correlation id, no cause, keyed
 * by the contract's key field. For tests that put events on Kafka, or hand them to a handler,
 * without going through a producing service.
 */
export function envelopeOf<D extends EventDefinition>(
  definition: D,
  data: EventData<D>,
  producer: ServiceName,
): EventEnvelope<EventData<D>> {
  return {
    id: randomUUID(),
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    producer,
    correlationId: randomUUID(),
    causationId: null,
    key: String(data[definition.keyField]),
    data,
  };
}
