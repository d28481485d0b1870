import { randomUUID } from 'node:crypto';
import { Metrics } from '@shopflow/platform/observability';
import { captureLogger, eventually, kafkaBrokers } from '@shopflow/testing';
import { registerConsumerGauges } from './consumer-metrics';
import { KafkajsBroker } from './kafkajs.broker';
import type { RunningConsumer } from './message-broker.port';

/** A member's state and messaging_consumer_lag follow what the group has not handled yet, on the real broker. */
describe('consumer state and lag (real Kafka)', () => {
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
    let healthy = false;
    const member = broker.startConsumer({
      groupId: group,
      topics: [topic],
      handleBatch: async (messages, { commit }) => {
        if (!healthy) throw new Error('handler down');
        await commit(messages[messages.length - 1]!);
      },
    });

    consumer = member;
    registerConsumerGauges(metrics, group, () => member.state());
    await member.joined;
    expect(member.state()).toMatchObject({ status: 'joined', assignment: { [topic]: [0] } });
    await eventually(async () => expect(await lagOf(metrics, topic)).toBe(5), { timeoutMs: 30_000 });
    healthy = true;
    await eventually(async () => expect(await lagOf(metrics, topic)).toBe(0), { timeoutMs: 30_000 });
    const [sample] = (await metrics.registry.getSingleMetric('messaging_consumer_lag')!.get()).values;
    expect(sample!.labels).toEqual({ topic, partition: '0', group });
    expect(
      (await metrics.registry.getSingleMetric('messaging_consumer_joined')!.get()).values[0]!.value,
    ).toBe(1);
  }, 90_000);

  it('starting from the log end, reads every message written once it has joined, and none before', async () => {
    // Three members in a row: left to kafkajs, "the log end" is looked up at the first fetch, a few
    // milliseconds after the join, and a message written in between is lost (8 of 10 in a probe).
    for (let member = 0; member < 3; member++) {
      const topic = `test.log-end-${randomUUID()}`;
      await broker.ensureTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
      await broker.producer.send(topic, [{ key: 'k', value: 'before' }]);
      const received: string[] = [];
      const started = broker.startConsumer({
        groupId: `group-${randomUUID()}`,
        topics: [topic],
        fromBeginning: false,
        handle: async (message) => void received.push(message.value!.toString()),
      });
      consumer = started;
      await started.joined;
      await broker.producer.send(topic, [{ key: 'k', value: 'after' }]);
      await eventually(() => expect(received).toEqual(['after']), { timeoutMs: 30_000 });
      await started.stop();
    }
  }, 120_000);
});
