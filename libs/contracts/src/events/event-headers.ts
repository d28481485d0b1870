/** Kafka headers every event carries, so tools can route and trace without parsing the value. */
export const EVENT_HEADERS = {
  id: 'event-id',
  type: 'event-type',
  version: 'event-version',
  correlationId: 'x-correlation-id',
  causationId: 'causation-id',
  producer: 'producer',
} as const;
