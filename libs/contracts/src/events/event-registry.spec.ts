import { randomUUID } from 'node:crypto';
import { TOPICS, type TopicDefinition } from '../topics/topics';
import { OrderPlacedV1 } from './order-events';
import { EVENTS, parseEvent } from './event-registry';

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'OrderPlaced',
  version: 1,
  occurredAt: new Date().toISOString(),
  producer: 'order',
  correlationId: 'corr-1',
  causationId: null,
  key: '7b0c3a43-3c39-4a43-9a55-3c2f0c5a9b11',
  data: {
    orderId: '7b0c3a43-3c39-4a43-9a55-3c2f0c5a9b11',
    customerId: randomUUID(),
    lines: [{ productId: randomUUID(), quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    currency: 'EUR',
  },
  ...overrides,
});

describe('event registry', () => {
  it('has one definition per type and version', () => {
    const ids = EVENTS.map((e) => `${e.type}.v${e.version}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('publishes every event on a registered topic that lists its type', () => {
    const topics = Object.values(TOPICS as Record<string, TopicDefinition>);
    for (const event of EVENTS) {
      const topic = topics.find((t) => t.name === event.topic);
      expect(topic?.eventTypes).toContain(event.type);
    }
  });

  it('accepts a valid event and returns its definition', () => {
    const parsed = parseEvent(Buffer.from(JSON.stringify(envelope())));
    expect(parsed.ok && parsed.definition).toBe(OrderPlacedV1);
  });

  it.each([
    ['not JSON', '{"id":', /not JSON/],
    ['an envelope without an id', JSON.stringify({ ...envelope(), id: undefined }), /invalid envelope/],
    [
      'a payload that breaks its contract',
      JSON.stringify(envelope({ data: { orderId: 'x' } })),
      /invalid OrderPlaced v1/,
    ],
  ])('rejects %s', (_name, value, error) => {
    const parsed = parseEvent(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });

  it('parses an unknown type without judging its payload', () => {
    const parsed = parseEvent(JSON.stringify(envelope({ type: 'SomethingNew', data: { anything: true } })));
    expect(parsed).toMatchObject({ ok: true, definition: undefined });
  });
});
