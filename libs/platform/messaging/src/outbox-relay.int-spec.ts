import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eventually } from '@shopflow/testing';
import { messagingTestBed } from './test-support/messaging-test-bed';

const ROOT = join(__dirname, '../../../..');

/**
 * The outbox and its relay, against the real broker and database: rows committed with the
 * business change reach Kafka even when the process dies first, are written in one statement,
 * marked published in batches and pruned once old. The consumer side: messaging.int-spec.
 */
describe('outbox relay (real Kafka, real MySQL)', () => {
  jest.setTimeout(120_000);
  const bed = messagingTestBed('relay');
  const { scenario, effects, publish } = bed;

  it('delivers an event committed by a process killed before the relay published it', async () => {
    const { event, start } = await scenario();
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'test-support/commit-then-die.fixture.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: join(ROOT, 'tsconfig.base.json'),
          DATABASE_URL: bed.databaseUrl(),
          TOPIC: event.topic,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    // 'close', not 'exit': only then has the event id it printed reached `stdout`.
    const signal = await new Promise((resolve) => child.once('close', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const eventId = stdout.trim();
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

    // "After restart": a new relay and consumer find the committed row and deliver it.
    const pipeline = await start();
    await eventually(async () => expect(await effects(pipeline, [eventId])).toHaveLength(1), {
      timeoutMs: 30_000,
    });
    // Marked published once the relay's mark interval has passed.
    await eventually(async () => {
      const [row] = await pipeline.dataSource.query('SELECT published_at FROM outbox_message WHERE id = ?', [
        eventId,
      ]);
      expect(row.published_at).not.toBeNull();
    });
  });

  it("writes a transaction's events in one statement before its commit, in the order they were added", async () => {
    const { event, start } = await scenario();
    const pipeline = await start();
    await pipeline.relay.stop(); // the rows stay where they were written
    const ids = await pipeline.unitOfWork.run(async (em) => {
      const written = [];
      for (let seq = 1; seq <= 3; seq++)
        written.push((await pipeline.outbox.add(em, event, { key: 'o', seq })).id);
      // Staged, not yet written: the transaction itself does not see them.
      expect(await em.query('SELECT id FROM outbox_message WHERE id IN (?)', [written])).toHaveLength(0);
      return written;
    });
    const rows: { id: string }[] = await pipeline.dataSource.query(
      'SELECT id FROM outbox_message WHERE id IN (?) ORDER BY seq',
      [ids],
    );
    expect(rows.map((r) => r.id)).toEqual(ids);
    pipeline.relay.start();
  });

  it('marks sent rows published in one statement per interval, and sends none twice meanwhile', async () => {
    const { event, start } = await scenario({ relay: { markIntervalMs: 60_000 } });
    const pipeline = await start();
    const ids: string[] = [];
    // Three transactions, each applied before the next: three batches, and the relay's polls between.
    for (const seq of [1, 2, 3]) {
      ids.push(...(await publish(pipeline, event, [{ key: 'mark', seq }])));
      await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(ids.length));
    }
    const unmarked = async () =>
      Number(
        (
          await pipeline.dataSource.query(
            'SELECT COUNT(*) AS n FROM outbox_message WHERE id IN (?) AND published_at IS NULL',
            [ids],
          )
        )[0].n,
      );
    const scrape = () => pipeline.metrics.registry.metrics();
    expect(await unmarked()).toBe(3); // sent, and not marked yet
    expect(await scrape()).toMatch(
      new RegExp(
        `messaging_events_published_total\\{topic="${event.topic}",type="TestHappened"[^}]*\\} 3$`,
        'm',
      ),
    );
    expect(await scrape()).toMatch(/^messaging_outbox_pending\{service="messaging-test"\} 0$/m);
    const stoppedAt = Date.now();
    await pipeline.relay.stop(); // a stopping relay marks what it sent
    expect(await unmarked()).toBe(0);
    // Each row with the time its send was acknowledged, not the time it was marked.
    const marked: { published_at: Date }[] = await pipeline.dataSource.query(
      'SELECT published_at FROM outbox_message WHERE id IN (?)',
      [ids],
    );
    for (const { published_at } of marked) expect(published_at.getTime()).toBeLessThan(stoppedAt);
  });

  it('marks what it sent even while a row of another topic keeps failing', async () => {
    const { event, start } = await scenario({ relay: { markIntervalMs: 60_000 } });
    const pipeline = await start();
    // A row no broker accepts (its topic does not exist): every batch that holds it fails.
    const poisonId = randomUUID();
    await pipeline.dataSource.query(
      `INSERT INTO outbox_message (id, topic, message_key, event_type, payload, headers, created_at)
       VALUES (?, 'nowhere', 'k', 'Poison', '{}', '{}', ?)`,
      [poisonId, new Date()],
    );
    try {
      const ids = await publish(pipeline, event, [{ key: 'beside', seq: 1 }]);
      await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(1));
      await eventually(async () => {
        const [row] = await pipeline.dataSource.query(
          'SELECT published_at FROM outbox_message WHERE id = ?',
          [ids[0]],
        );
        expect(row.published_at).not.toBeNull(); // long before the 60 s mark interval
      });
    } finally {
      await pipeline.dataSource.query('DELETE FROM outbox_message WHERE id = ?', [poisonId]);
    }
  });

  it('prunes published outbox rows after the retention period, and never an unpublished one', async () => {
    const { event, start } = await scenario({ relay: { retentionMs: 500, pruneIntervalMs: 100 } });
    const pipeline = await start();
    const ids = await publish(pipeline, event, [
      { key: 'p', seq: 1 },
      { key: 'p', seq: 2 },
    ]);
    await eventually(async () => expect(await effects(pipeline, ids)).toHaveLength(2));
    const rows = async (sql: string) => Number((await pipeline.dataSource.query(sql, [ids]))[0].n);
    // Published rows go once they are older than the retention period.
    await eventually(
      async () => expect(await rows('SELECT COUNT(*) AS n FROM outbox_message WHERE id IN (?)')).toBe(0),
      {
        timeoutMs: 10_000,
      },
    );
    // An unpublished row is kept however old it is.
    await pipeline.relay.stop();
    await pipeline.dataSource.query(
      `INSERT INTO outbox_message (id, topic, message_key, event_type, payload, headers, created_at)
       VALUES (?, 'nowhere', 'k', 'Old', '{}', '{}', ?)`,
      [ids[0], new Date(Date.now() - 86_400_000)],
    );
    pipeline.relay.start();
    await eventually(async () =>
      expect(
        await rows('SELECT COUNT(*) AS n FROM outbox_message WHERE id IN (?) AND last_error IS NOT NULL'),
      ).toBe(1),
    );
    expect(await rows('SELECT COUNT(*) AS n FROM outbox_message WHERE id IN (?)')).toBe(1);
    await pipeline.dataSource.query('DELETE FROM outbox_message WHERE id = ?', [ids[0]]); // leave no poison for the next test
  });
});
