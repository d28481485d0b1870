import { randomUUID } from 'node:crypto';
import { runInEventScope, runWithCorrelationId } from '@shopflow/platform/observability';
import { captureLogger, envelopeOf, eventually } from '@shopflow/testing';
import { DLQ_HEADERS } from './dead-letter';
import type { Pipeline, TestEvent } from './test-support/messaging-fixture';
import { messagingTestBed } from './test-support/messaging-test-bed';

/**
 * The outbox → relay → Kafka → consumer → inbox path, against the real broker and database, as the
 * consumer sees it: duplicates, chunks, dead letters, order, shutdown, metrics and correlation. The
 * relay's own tests: outbox-relay.int-spec. Each test gets its own topic, dead-letter topic and
 * consumer group.
 */
describe('messaging backbone (real Kafka, real MySQL)', () => {
  jest.setTimeout(120_000);
  const bed = messagingTestBed('messaging');
  const { scenario, collect, effects, publish } = bed;

  /** Publishes one event and waits until it is applied; returns it as Kafka carried it, for a redelivery. */
  async function publishAndApplyOne(pipeline: Pipeline, event: TestEvent, key: string) {
    const [eventId] = await publish(pipeline, event, [{ key, seq: 1 }]);
    await eventually(async () => expect(await effects(pipeline, [eventId!])).toHaveLength(1));
    const [row]: { payload: string; headers: string }[] = await pipeline.dataSource.query(
      'SELECT payload, headers FROM outbox_message WHERE id = ?',
      [eventId],
    );
    return {
      eventId: eventId!,
      payload: row!.payload,
      headers: JSON.parse(row!.headers) as Record<string, string>,
    };
  }

  it('applies an event delivered twice only once', async () => {
    const { event, start } = await scenario();
    const pipeline = await start();
    const { eventId, payload, headers } = await publishAndApplyOne(pipeline, event, 'dup');

    // Redeliver the very same bytes, as Kafka does after a crash between commit and offset commit.
    await pipeline.broker.producer.send(event.topic, [{ key: 'dup', value: payload, headers }]);
    await eventually(async () => {
      const metrics = await pipeline.metrics.registry.getSingleMetricAsString(
        'messaging_events_consumed_total',
      );
      expect(metrics).toMatch(/outcome="duplicate",service="messaging-test"\} 1/);
    });
    expect(await effects(pipeline, [eventId])).toHaveLength(1);
  });

  it('applies the new events of a chunk that also holds a redelivered one, each once', async () => {
    const { event, start } = await scenario();
    const pipeline = await start();
    const old = await publishAndApplyOne(pipeline, event, 'mix');

    // The redelivered event and two new ones, one key, one send: one partition, one fetched batch.
    const fresh = [2, 3].map((seq) => ({
      ...JSON.parse(old.payload),
      id: randomUUID(),
      data: { key: 'mix', seq },
    }));
    await pipeline.broker.producer.send(event.topic, [
      { key: 'mix', value: old.payload, headers: old.headers },
      ...fresh.map((envelope) => ({ key: 'mix', value: JSON.stringify(envelope), headers: old.headers })),
    ]);
    const ids = [old.eventId, ...fresh.map((envelope) => envelope.id as string)];
    await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(3));
    expect((await effects(pipeline, ids)).map((effect) => effect.seq)).toEqual([1, 2, 3]);
    const consumed = await pipeline.metrics.registry.getSingleMetricAsString(
      'messaging_events_consumed_total',
    );
    expect(consumed).toMatch(/outcome="duplicate",service="messaging-test"\} 1/);
  });

  it('hands a chunk handler its events in one call, and replays a failing chunk one event at a time', async () => {
    const { event, deadLetterTopic, start } = await scenario({ handlerVia: 'chunk' });
    const deadLetters = collect(deadLetterTopic);
    const pipeline = await start();
    // One key, one send: one partition, one record batch, so one fetch brings them all.
    const send = (items: { seq: number; fail?: boolean }[]) => {
      const envelopes = items.map((data) => envelopeOf(event, { key: 'chunk', ...data }, 'order'));
      return pipeline.broker.producer
        .send(
          event.topic,
          envelopes.map((envelope) => ({ key: 'chunk', value: JSON.stringify(envelope) })),
        )
        .then(() => envelopes.map((envelope) => envelope.id));
    };

    const together = await send([1, 2, 3, 4, 5].map((seq) => ({ seq })));
    await eventually(async () => expect(await effects(pipeline, together)).toHaveLength(5));
    expect(pipeline.chunkCalls).toEqual([5]);
    expect((await effects(pipeline, together)).map((effect) => effect.seq)).toEqual([1, 2, 3, 4, 5]);

    pipeline.chunkCalls.length = 0;
    const mixed = await send([{ seq: 6 }, { seq: 7, fail: true }, { seq: 8 }]);
    // Event 8 is applied after 7's dead letter is sent, so wait for both, not for the first alone.
    await eventually(() => expect(deadLetters).toHaveLength(1));
    await eventually(async () => expect(await effects(pipeline, mixed)).toHaveLength(2));
    expect(JSON.parse(deadLetters[0]!.value!.toString()).id).toBe(mixed[1]);
    expect((await effects(pipeline, mixed)).map((effect) => effect.seq)).toEqual([6, 8]);
    // The chunk of three fails and rolls back; then each event alone: 6 once, 7 for every attempt, 8 once.
    expect(pipeline.chunkCalls).toEqual([3, 1, 1, 1, 1, 1]);
  });

  it("applies a fetch's partitions in one transaction, and a poison event in one of them costs only that event", async () => {
    // Nine keys over three partitions, all on Kafka before the consumer starts: its first fetch
    // brings every partition's batch at once.
    const envelopes = (event: TestEvent, poisonAt?: number) =>
      Array.from({ length: 9 }, (_, seq) =>
        envelopeOf(event, { key: `k${seq}`, seq, fail: seq === poisonAt }, 'order'),
      );
    const run = async (poisonAt?: number) => {
      const { event, deadLetterTopic, start } = await scenario({ handlerVia: 'chunk' });
      const sent = envelopes(event, poisonAt);
      await bed.admin().producer.send(
        event.topic,
        sent.map((e) => ({ key: e.key, value: JSON.stringify(e) })),
      );
      const deadLetters = collect(deadLetterTopic);
      const pipeline = await start();
      const applied = sent.filter((e) => !e.data.fail).map((e) => e.id);
      await eventually(async () => expect(await effects(pipeline, applied)).toHaveLength(applied.length));
      return { pipeline, deadLetters, sent };
    };

    const clean = await run();
    // One call, in one transaction, for the events of every partition.
    expect(clean.pipeline.chunkCalls).toEqual([9]);
    expect(new Set(clean.pipeline.chunkCallPartitions[0]).size).toBeGreaterThan(1);

    const poisoned = await run(4);
    await eventually(() => expect(poisoned.deadLetters).toHaveLength(1));
    expect(JSON.parse(poisoned.deadLetters[0]!.value!.toString()).id).toBe(poisoned.sent[4]!.id);
    // The shared call fails; the partitions go alone, then the poison's partition one event at a time.
    expect(poisoned.pipeline.chunkCalls[0]).toBe(9);
    const effectRows = await effects(
      poisoned.pipeline,
      poisoned.sent.map((e) => e.id),
    );
    expect(effectRows.map((r) => r.seq).sort()).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
  });

  it('dead-letters a malformed message and one whose handler always fails, and the partition moves on', async () => {
    const { event, deadLetterTopic, start } = await scenario({ maxAttempts: 3 });
    const deadLetters = collect(deadLetterTopic);
    const pipeline = await start();
    const malformed = Buffer.from('{"this is":"not an event"');
    await pipeline.broker.producer.send(event.topic, [
      { key: 'same-key', value: malformed, headers: { origin: 'test' } },
    ]);
    const [failingId, afterId] = await publish(pipeline, event, [
      { key: 'same-key', seq: 1, fail: true },
      { key: 'same-key', seq: 2 },
    ]);

    await eventually(async () => expect(await effects(pipeline, [afterId!])).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    await eventually(() => expect(deadLetters).toHaveLength(2), { timeoutMs: 30_000 });
    const [invalid, failed] = deadLetters;
    expect(invalid!.value).toEqual(malformed);
    expect(invalid!.key).toBe('same-key');
    expect(invalid!.headers).toMatchObject({
      origin: 'test',
      [DLQ_HEADERS.reason]: 'invalid-message',
      [DLQ_HEADERS.originalTopic]: event.topic,
      [DLQ_HEADERS.attempts]: '0',
    });
    expect(invalid!.headers[DLQ_HEADERS.error]).toMatch(/not JSON/);
    expect(JSON.parse(failed!.value!.toString()).id).toBe(failingId);
    expect(failed!.headers).toMatchObject({
      'event-id': failingId,
      [DLQ_HEADERS.reason]: 'handler-failed',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.error]: 'handler refuses same-key#1',
    });
    expect(await effects(pipeline, [failingId!])).toHaveLength(0);
  });

  it('skips, by design, an event type it has no handler for, and moves on', async () => {
    const { event, start } = await scenario();
    const pipeline = await start();
    const unknown = {
      id: randomUUID(),
      type: 'SomethingNew',
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'order',
      correlationId: 'corr-new',
      causationId: null,
      key: 'k',
      data: { whatever: true },
    };
    await pipeline.broker.producer.send(event.topic, [{ key: 'k', value: JSON.stringify(unknown) }]);
    const [afterId] = await publish(pipeline, event, [{ key: 'k', seq: 1 }]);
    await eventually(async () => expect(await effects(pipeline, [afterId!])).toHaveLength(1));
    // In a shared chunk the skip is counted after the COMMIT that the effect above came from.
    const text = await eventually(async () => {
      const scraped = await pipeline.metrics.registry.metrics();
      expect(scraped).toMatch(
        /messaging_events_consumed_total\{[^}]*type="SomethingNew",outcome="skipped"[^}]*\} 1/,
      );
      return scraped;
    });
    expect(text).not.toContain('dead_lettered_total{');
  });

  it('applies 1,000 events over 10 keys in order, each once', async () => {
    const { event, start } = await scenario();
    const pipeline = await start();
    const items = Array.from({ length: 1000 }, (_, i) => ({ key: `key-${i % 10}`, seq: Math.floor(i / 10) }));
    const ids = await publish(pipeline, event, items);
    await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(1000), {
      timeoutMs: 60_000,
    });
    const rows = await effects(pipeline, ids);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(1000);
    for (let k = 0; k < 10; k++) {
      const seqs = rows.filter((r) => r.event_key === `key-${k}`).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  });

  it('loses nothing and applies nothing twice when a consumer shuts down mid-batch', async () => {
    const { event, start } = await scenario({ handlerDelayMs: 10, chunkSize: 10 });
    const first = await start();
    const ids = await publish(
      first,
      event,
      Array.from({ length: 300 }, (_, i) => ({ key: `key-${i % 4}`, seq: i })),
    );
    await eventually(async () => expect((await effects(first, ids)).length).toBeGreaterThan(20));
    await first.consumer.stop(); // graceful: finishes the message in hand, commits, leaves the group
    const appliedBefore = (await effects(first, ids)).length;
    expect(appliedBefore).toBeLessThan(300);

    const second = await start();
    await eventually(async () => expect(await effects(second, ids)).toHaveLength(300), { timeoutMs: 60_000 });
    const rows = await effects(second, ids);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(300);
  });

  it('reports published, consumed and dead-lettered events, handler durations and the outbox backlog', async () => {
    const { event, start } = await scenario({ maxAttempts: 1 });
    const pipeline = await start();
    await pipeline.relay.stop(); // hold publishing to see a backlog
    const ids = await publish(pipeline, event, [
      { key: 'm', seq: 1 },
      { key: 'm', seq: 2 },
      { key: 'm', seq: 3, fail: true },
    ]);
    const scrape = () => pipeline.metrics.registry.metrics();
    expect(await scrape()).toMatch(/^messaging_outbox_pending\{service="messaging-test"\} 3$/m);
    const oldestAge = /^messaging_outbox_oldest_pending_age_seconds\{service="messaging-test"\} (.+)$/m.exec(
      await scrape(),
    )?.[1];
    // Seconds since the rows were written: above 0, and far below a minute however slow the machine.
    expect(Number(oldestAge)).toBeGreaterThan(0);
    expect(Number(oldestAge)).toBeLessThan(60);

    pipeline.relay.start();
    await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(2));
    await eventually(async () =>
      expect(await scrape()).toMatch(/dead_lettered_total\{[^}]*reason="handler-failed"[^}]*\} 1/),
    );
    const text = await scrape();
    expect(text).toMatch(/^messaging_outbox_pending\{service="messaging-test"\} 0$/m);
    expect(text).toMatch(
      new RegExp(`messaging_events_published_total\\{topic="${event.topic}",type="TestHappened"[^}]*\\} 3`),
    );
    expect(text).toMatch(/messaging_events_consumed_total\{[^}]*outcome="applied"[^}]*\} 2/);
    // At least one timing per event; a chunk that failed and was replayed one by one adds more.
    const handled = Number(
      /messaging_handler_duration_seconds_count\{[^}]*type="TestHappened"[^}]*\} (\d+)/.exec(text)?.[1],
    );
    expect(handled).toBeGreaterThanOrEqual(3);
  });

  it("carries the correlation id into headers, the consumer's logs and the events it causes", async () => {
    const logs = captureLogger('messaging-test', 'info');
    const { event, start } = await scenario({ logger: logs.logger });
    const received = collect(event.topic);
    const pipeline = await start();
    const [eventId] = await runWithCorrelationId('corr-from-http', () =>
      publish(pipeline, event, [{ key: 'c', seq: 1 }]),
    );
    await eventually(() => expect(received.find((m) => m.headers['event-id'] === eventId)).toBeDefined());
    const message = received.find((m) => m.headers['event-id'] === eventId)!;
    expect(message.headers['x-correlation-id']).toBe('corr-from-http');
    expect(JSON.parse(message.value!.toString())).toMatchObject({
      correlationId: 'corr-from-http',
      causationId: null,
    });

    // An event written while handling another names it as its cause and keeps the correlation id.
    const caused = await runInEventScope({ correlationId: 'corr-from-http', causationId: eventId! }, () =>
      pipeline.unitOfWork.run((em) => pipeline.outbox.add(em, event, { key: 'c', seq: 2 })),
    );
    expect(caused).toMatchObject({ correlationId: 'corr-from-http', causationId: eventId });
    await eventually(async () =>
      expect(await effects(pipeline, [caused.id])).toEqual([
        expect.objectContaining({ causation_id: eventId }),
      ]),
    );
  });
});
