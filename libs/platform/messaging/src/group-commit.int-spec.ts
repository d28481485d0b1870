import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@shopflow/platform/persistence';
import { createTestSchema, eventually } from '@shopflow/testing';
import { GroupCommit } from './group-commit';
import { UnitOfWork } from './unit-of-work';

/** Group commit against the real server: real transactions, a real lock wait, a real duplicate key. */
describe('GroupCommit (real MySQL/MariaDB)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dataSource: DataSource;
  let other: Connection;

  beforeAll(async () => {
    schema = await createTestSchema('group_commit');
    dataSource = await createDataSource({ url: schema.url, poolSize: 3 }).initialize();
    await dataSource.query(
      'CREATE TABLE group_commit_item (id INT PRIMARY KEY, written_by VARCHAR(20) NOT NULL) ENGINE=InnoDB',
    );
    other = await createConnection(schema.url);
  });
  afterAll(async () => {
    await other?.end();
    await dataSource?.destroy();
    await schema?.drop();
  });

  it('writes what arrives during a transaction in the next one; a duplicate key fails its own item only', async () => {
    const unitOfWork = new UnitOfWork(dataSource, { wake: () => undefined });
    const batches: number[][] = [];
    const group = new GroupCommit<number>(unitOfWork, async (em, batch) => {
      batches.push(batch.map(({ item }) => item));
      await em.query('INSERT INTO group_commit_item (id, written_by) VALUES ?', [
        batch.map(({ item }) => [item, 'group']),
      ]);
    });

    // Another connection's uncommitted row 1 keeps the first transaction waiting, in flight.
    await other.query('BEGIN');
    await other.query("INSERT INTO group_commit_item (id, written_by) VALUES (1, 'other')");
    const first = group.submit(1);
    await eventually(async () => {
      const [rows] = await other.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND info LIKE 'INSERT INTO group_commit_item%'",
      );
      expect(rows).toEqual([{ n: 1 }]); // sent, and waiting for row 1
    });
    const outcome = (id: number) =>
      group.submit(id).then(
        () => 'committed',
        (error: { driverError?: { code?: string } }) => error.driverError?.code,
      );
    const rest = [2, 3, 5, 3].map(outcome);
    await other.query('ROLLBACK');

    await first;
    expect(await Promise.all(rest)).toEqual(['committed', 'committed', 'committed', 'ER_DUP_ENTRY']);
    expect(batches).toEqual([[1], [2, 3, 5, 3], [2], [3], [5], [3]]);
    const [rows] = await other.query('SELECT id, written_by FROM group_commit_item ORDER BY id');
    expect(rows).toEqual([1, 2, 3, 5].map((id) => ({ id, written_by: 'group' })));
  });
});
