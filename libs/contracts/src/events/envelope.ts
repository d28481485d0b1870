import { z } from 'zod';

/** What travels as the Kafka message value: metadata every consumer needs, then the payload. */
export const EventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime(),
  producer: z.enum(['auth', 'catalog', 'order']),
  /** The request (or chain of events) this event belongs to, across services. */
  correlationId: z.string().min(1).max(128),
  /** The id of the event whose handling caused this one; null when a request caused it. */
  causationId: z.uuid().nullable(),
  /** The aggregate id, also the Kafka message key. */
  key: z.string().min(1).max(191),
  data: z.record(z.string(), z.unknown()),
});

export type EventEnvelope<T = Record<string, unknown>> = Omit<z.infer<typeof EventEnvelopeSchema>, 'data'> & {
  data: T;
};
