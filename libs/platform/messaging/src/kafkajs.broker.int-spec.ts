import { randomUUID } from 'node:crypto';
import { captureLogger, eventually, kafkaBrokers } from '@shopflow/testing';
import { KafkajsBroker } from './kafkajs.broker';
import type { ReceivedMessage, RunningConsumer } from './message-broker.port';

describe('KafkajsBroker (real Kafka)', () => {
  const broker = new KafkajsBroker({
    brokers: kafkaBrokers(),
    clientId: 'messaging-int-spec',
    logger: captureLogger().logger,
  });
  let consumer: RunningConsumer | undefined;

  afterEach(() => consumer?.stop());
  afterAll(() => broker.close());

  it('answers a ping', async () => {
    await expect(broker.ping()).resolves.toBeUndefined();
  });

  it('delivers a message to a consumer group with its key and headers intact', async () => {
    const topic = `test.port-${randomUUID()}`;
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);
    // Creating again is a no-op, not an error.
    await broker.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 3 }]);

    const received: ReceivedMessage[] = [];
    consumer = await broker.startConsumer({
      groupId: `group-${randomUUID()}`,
      topics: [topic],
      handle: async (message) => {
        received.push(message);
      },
    });
    await broker.producer.send(topic, [
      {
        key: 'order-1',
        value: JSON.stringify({ n: 1 }),
        headers: { 'x-correlation-id': 'corr-1', 'event-type': 'Test' },
      },
      { key: 'order-2', value: Buffer.from('{"n":2}'), headers: { 'x-correlation-id': 'corr-2' } },
    ]);

    await eventually(() => expect(received).toHaveLength(2), { timeoutMs: 30_000 });
    const byKey = Object.fromEntries(received.map((m) => [m.key, m]));
    expect(byKey['order-1']!.headers).toEqual({ 'x-correlation-id': 'corr-1', 'event-type': 'Test' });
    expect(JSON.parse(byKey['order-1']!.value!.toString())).toEqual({ n: 1 });
    expect(byKey['order-2']!.headers).toEqual({ 'x-correlation-id': 'corr-2' });
    expect(received.every((m) => m.topic === topic)).toBe(true);
  });

  it('refuses to publish to a topic that was never created (auto-create is off)', async () => {
    await expect(
      broker.producer.send(`test.never-created-${randomUUID()}`, [{ key: 'k', value: 'v' }]),
    ).rejects.toThrow();
  }, 60_000);
});
