import { z } from 'zod';
import { UserRegisteredV1, UserRolesChangedV1 } from './auth-events';
import {
  ProductCreatedV1,
  ProductUpdatedV1,
  StockAdjustedV1,
  StockRejectedV1,
  StockReleasedV1,
  StockReservedV1,
} from './catalog-events';
import { EventEnvelopeSchema, type EventEnvelope } from './envelope';
import type { EventDefinition } from './event-definition';
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from './order-events';

/** Every event type and version in the system. */
export const EVENTS: readonly EventDefinition[] = [
  UserRegisteredV1,
  UserRolesChangedV1,
  ProductCreatedV1,
  ProductUpdatedV1,
  StockReservedV1,
  StockRejectedV1,
  StockReleasedV1,
  StockAdjustedV1,
  OrderPlacedV1,
  OrderConfirmedV1,
  OrderRejectedV1,
  OrderCancelledV1,
];

export type ParsedEvent =
  | { ok: true; envelope: EventEnvelope; definition: EventDefinition | undefined }
  | { ok: false; error: string };

/**
 * Parses and validates a message value: the envelope always, the payload against its contract
 * when the type and version are known (`definitions` defaults to every registered event). An
 * unknown type is not an error here; the consumer decides to skip it.
 */
export function parseEvent(
  value: Buffer | string | null,
  definitions: readonly EventDefinition[] = EVENTS,
): ParsedEvent {
  if (value === null) return { ok: false, error: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString());
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const envelope = EventEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: `invalid envelope: ${z.prettifyError(envelope.error)}` };
  const { type, version } = envelope.data;
  const definition = definitions.find((d) => d.type === type && d.version === version);
  if (!definition) return { ok: true, envelope: envelope.data, definition: undefined };
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success)
    return { ok: false, error: `invalid ${type} v${version}: ${z.prettifyError(data.error)}` };
  return { ok: true, envelope: { ...envelope.data, data: data.data }, definition };
}
