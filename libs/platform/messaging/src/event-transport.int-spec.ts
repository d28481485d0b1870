import { eventually } from '@shopflow/testing';
import { DLQ_HEADERS } from './dead-letter';
import { messagingTestBed } from './test-support/messaging-test-bed';

/**
 * The same outbox → relay → Kafka → consumer → inbox path as messaging.int-spec, with the handler
 * declared the Nest way (`@OnEvent` on a controller, a guard, `@TransactionManager()`) behind
 * `EventTransport`: what the services run.
 */
describe('EventTransport on the real broker and database', () => {
  jest.setTimeout(120_000);
  const { scenario, collect, effects, publish } = messagingTestBed('transport');

  /** A pipeline whose handler is an `@OnEvent` controller method, and its dead letters as they come. */
  async function start(maxAttempts = 3) {
    const scene = await scenario({ handlerVia: 'nest', maxAttempts });
    const deadLetters = collect(scene.deadLetterTopic);
    return { pipeline: await scene.start(), event: scene.event, deadLetters };
  }

  it('applies each event once, in its transaction with the inbox row, through an @OnEvent handler', async () => {
    const { pipeline: p, event } = await start();
    const ids = await publish(
      p,
      event,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 4}`, seq: i })),
    );
    await eventually(async () => expect(await effects(p, ids)).toHaveLength(30), { timeoutMs: 30_000 });
    const rows = await effects(p, ids);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
    const inbox: { n: number }[] = await p.dataSource.query(
      'SELECT COUNT(*) AS n FROM inbox_message WHERE event_id IN (?)',
      [ids],
    );
    expect(Number(inbox[0]!.n)).toBe(30);
  });

  it('dead-letters an event its guard refuses at once, one that keeps failing after its attempts, and the partition moves on', async () => {
    const { pipeline: p, event, deadLetters } = await start(3);
    const ids = await publish(p, event, [
      { key: 'same', seq: 1, refuse: true },
      { key: 'same', seq: 2, fail: true },
      { key: 'same', seq: 3 },
    ]);
    const [refusedId, failingId, afterId] = ids;
    await eventually(async () => expect((await effects(p, ids)).map((r) => r.event_id)).toEqual([afterId]), {
      timeoutMs: 30_000,
    });
    await eventually(() => expect(deadLetters).toHaveLength(2), { timeoutMs: 30_000 });
    const byId = new Map(deadLetters.map((m) => [m.headers['event-id'], m.headers]));
    expect(byId.get(refusedId)).toMatchObject({
      [DLQ_HEADERS.reason]: 'refused',
      [DLQ_HEADERS.attempts]: '1',
      [DLQ_HEADERS.error]: 'Forbidden resource',
    });
    expect(byId.get(failingId)).toMatchObject({
      [DLQ_HEADERS.reason]: 'handler-failed',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.error]: 'handler refuses same#2',
    });
    expect(await p.metrics.registry.metrics()).toMatch(
      /messaging_events_dead_lettered_total\{[^}]*reason="refused"[^}]*\} 1/,
    );
  });
});
