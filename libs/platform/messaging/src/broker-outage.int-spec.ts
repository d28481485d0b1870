import { randomUUID } from 'node:crypto';
import { createTestSchema, DedicatedKafka, dedicatedKafkaPort, eventually } from '@shopflow/testing';
import { KafkajsBroker } from './kafkajs.broker';
import {
  prepareMessagingSchema,
  startPipeline,
  testEvent,
  type Pipeline,
} from './test-support/messaging-fixture';
import { captureLogger } from '@shopflow/testing';

/**
 * The broker goes away for 10 s while the service keeps committing events. Nothing may be lost
 * and nothing applied twice. Uses a broker of its own (the shared one must stay up) that is
 * really stopped and started again on its data, as in a rolling restart or a crash.
 */
describe('messaging through a broker outage (real Kafka, real MySQL)', () => {
  jest.setTimeout(180_000);
  let kafka: DedicatedKafka;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    [kafka, schema] = await Promise.all([
      DedicatedKafka.start(dedicatedKafkaPort()),
      createTestSchema('outage'),
    ]);
    await prepareMessagingSchema(schema.url);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await kafka?.destroy();
    await schema?.drop();
  });

  it('delivers and applies every event exactly once after the broker was down for 10 s', async () => {
    const event = testEvent(`test.outage-${randomUUID().slice(0, 8)}`);
    const admin = new KafkajsBroker({
      brokers: kafka.brokers,
      clientId: 'outage-admin',
      logger: captureLogger().logger,
    });
    await admin.ensureTopics([
      { name: event.topic, partitions: 3, replicationFactor: 1 },
      { name: `${event.topic}.dlq`, partitions: 1, replicationFactor: 1 },
    ]);
    await admin.close();
    pipeline = await startPipeline({
      // The outage makes kafkajs log connection errors by the dozen: expected here, so kept out of the output.
      logger: captureLogger('outage', 'warn').logger,
      databaseUrl: schema.url,
      brokers: kafka.brokers,
      event,
      consumer: { groupId: `outage-${randomUUID()}`, deadLetterTopic: `${event.topic}.dlq`, retryBaseMs: 10 },
    });
    const p = pipeline;
    const write = async (seq: number) => {
      const envelope = await p.unitOfWork.run((em) =>
        p.outbox.add(em, event, { key: `key-${seq % 5}`, seq }),
      );
      return envelope.id;
    };
    const applied = async () =>
      (await p.dataSource.query(
        'SELECT event_id, event_key, seq FROM test_effect ORDER BY applied_order',
      )) as {
        event_id: string;
        event_key: string;
        seq: number;
      }[];

    const ids: string[] = [];
    for (let seq = 0; seq < 50; seq++) ids.push(await write(seq));
    await eventually(async () => expect(await applied()).toHaveLength(50), { timeoutMs: 30_000 });

    await kafka.stop();
    // Writes go on while the broker is down: they commit, and wait in the outbox.
    const downUntil = Date.now() + 10_000;
    let seq = 50;
    while (Date.now() < downUntil) {
      ids.push(await write(seq++));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [{ pending }] = await p.dataSource.query(
      'SELECT COUNT(*) AS pending FROM outbox_message WHERE published_at IS NULL',
    );
    expect(Number(pending)).toBeGreaterThan(0);
    await kafka.restart();

    await eventually(async () => expect(await applied()).toHaveLength(ids.length), {
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    const rows = await applied();
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
    for (let k = 0; k < 5; k++) {
      const seqs = rows.filter((r) => r.event_key === `key-${k}`).map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});
