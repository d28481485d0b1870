import { randomUUID } from 'node:crypto';
import { Metrics } from '@shopflow/platform/observability';
import { captureLogger, eventually, kafkaBrokers } from '@shopflow/testing';
import { ConsumerLag } from './consumer-lag';
import { KafkajsBroker } from './kafkajs.broker';
import type { RunningConsumer } from './message-broker.port';

/** messaging_consumer_lag follows what a group has not handled yet, on the real broker. */
describe('consumer lag (real Kafka)', () => {
  const broker = new KafkajsBroker({
    brokers: kafkaBrokers(),
    clientId: 'consumer-lag-int-spec',
    logger: captureLogger().logger,
  });
  let consumer: RunningConsumer | undefined;

  afterEach(() => consumer?.stop());
  afterAll(() => broker.close());

  async function lagOf(metrics: Metrics, topic: string): Promise<number | undefined> {
    const values = (await metrics.registry.getSingleMetric('messaging_consumer_lag')!.get()).values;
    return values.find((v) => v.labels['topic'] === topic && v.labels['partition'] === '0')?.value;
  }

  it('counts unhandled messages while a handler fails, and drops to 0 once it succeeds', async () => {
    const topic = `test.lag-${randomUUID()}`;
    const group = `group-${randomUUID()}`;
    await broker.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await broker.producer.send(
      topic,
      Array.from({ length: 5 }, (_, n) => ({ key: 'k', value: String(n) })),
    );
    const metrics = new Metrics('lag-test');
    const lag = new ConsumerLag(metrics, group);
    let healthy = false;
    consumer = await broker.startConsumer({
      groupId: group,
      topics: [topic],
      onLag: (sample) => lag.record(sample),
      handleBatch: async (messages, { commit }) => {
        if (!healthy) throw new Error('handler down');
        await commit(messages[messages.length - 1]!);
      },
    });

    await eventually(async () => expect(await lagOf(metrics, topic)).toBe(5), { timeoutMs: 30_000 });
    healthy = true;
    await eventually(async () => expect(await lagOf(metrics, topic)).toBe(0), { timeoutMs: 30_000 });
    const [sample] = (await metrics.registry.getSingleMetric('messaging_consumer_lag')!.get()).values;
    expect(sample!.labels).toEqual({ topic, partition: '0', group });
  }, 90_000);
});
