import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@shopflow/platform/persistence';
import { createTestSchema } from '@shopflow/testing';
import { UnitOfWork } from './unit-of-work';

/** Before- and after-commit work, against the real server: after-commit callbacks see the committed rows, and a rollback runs none. */
describe('UnitOfWork (real MySQL/MariaDB)', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dataSource: DataSource;
  let observer: Connection;
  let wakes = 0;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    schema = await createTestSchema('unit_of_work');
    dataSource = await createDataSource({ url: schema.url, poolSize: 2 }).initialize();
    await dataSource.query('CREATE TABLE note (id INT PRIMARY KEY) ENGINE=InnoDB');
    observer = await createConnection(schema.url);
    unitOfWork = new UnitOfWork(dataSource, { wake: () => wakes++ });
  });
  afterAll(async () => {
    await observer?.end();
    await dataSource?.destroy();
    await schema?.drop();
  });

  /** What another connection sees: committed rows only. */
  const committedIds = async () =>
    ((await observer.query('SELECT id FROM note ORDER BY id'))[0] as { id: number }[]).map((r) => r.id);

  it('runs after-commit callbacks once, in order, when the rows are visible to others', async () => {
    const ran: string[] = [];
    let visible: Promise<number[]> | undefined;
    const result = await unitOfWork.run(async (em) => {
      await em.query('INSERT INTO note (id) VALUES (1)');
      unitOfWork.afterCommit(em, () => {
        ran.push('first');
        visible = committedIds();
      });
      unitOfWork.afterCommit(em, () => ran.push('second'));
      expect(ran).toEqual([]); // not yet: the transaction is open
      return 'done';
    });
    expect(result).toBe('done');
    expect(ran).toEqual(['first', 'second']);
    expect(await visible).toEqual([1]);
  });

  it('runs none of them when the transaction rolls back, and rethrows its error', async () => {
    let ran = 0;
    await expect(
      unitOfWork.run(async (em) => {
        await em.query('INSERT INTO note (id) VALUES (2)');
        unitOfWork.afterCommit(em, () => ran++);
        await em.query('INSERT INTO note (id) VALUES (1)'); // duplicate key: rolls back
      }),
    ).rejects.toMatchObject({ driverError: { code: 'ER_DUP_ENTRY' } });
    expect(ran).toBe(0);
    expect(await committedIds()).toEqual([1]);
  });

  it('keeps the commit when a callback throws, and still runs the others', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let ran = 0;
    await unitOfWork.run(async (em) => {
      await em.query('INSERT INTO note (id) VALUES (3)');
      unitOfWork.afterCommit(em, () => {
        throw new Error('metrics are down');
      });
      unitOfWork.afterCommit(em, () => ran++);
    });
    expect(ran).toBe(1);
    expect(await committedIds()).toEqual([1, 3]);
    expect(emitWarning).toHaveBeenCalledWith(
      'an after-commit callback failed: metrics are down',
      'UnitOfWorkAfterCommit',
    );
    emitWarning.mockRestore();
  });

  it('runs before-commit work inside the transaction, after the caller, in order', async () => {
    const order: string[] = [];
    await unitOfWork.run(async (em) => {
      expect(
        unitOfWork.beforeCommit(em, async () => {
          order.push('first');
          await em.query('INSERT INTO note (id) VALUES (4)');
          expect(await committedIds()).not.toContain(4); // still uncommitted
        }),
      ).toBe(true);
      unitOfWork.beforeCommit(em, async () => void order.push('second'));
      order.push('caller');
    });
    expect(order).toEqual(['caller', 'first', 'second']);
    expect(await committedIds()).toContain(4);
  });

  it('rolls back when before-commit work fails, and says when there is no transaction to attach to', async () => {
    await expect(
      unitOfWork.run(async (em) => {
        await em.query('INSERT INTO note (id) VALUES (5)');
        unitOfWork.beforeCommit(em, () => em.query('INSERT INTO note (id) VALUES (5)').then(() => undefined));
      }),
    ).rejects.toMatchObject({ driverError: { code: 'ER_DUP_ENTRY' } });
    expect(await committedIds()).not.toContain(5);
    expect(unitOfWork.beforeCommit(dataSource.manager, async () => undefined)).toBe(false);
  });

  it('wakes the relay after each commit', async () => {
    const before = wakes;
    await unitOfWork.run(async () => undefined);
    expect(wakes).toBe(before + 1);
  });

  it('refuses a callback for an EntityManager it did not open', () => {
    expect(() => unitOfWork.afterCommit(dataSource.manager, () => undefined)).toThrow(
      /needs an EntityManager from UnitOfWork\.run/,
    );
  });
});
