import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import { GroupCommit, SharedWriteFailed, type Submitted } from './group-commit';
import type { UnitOfWork } from './unit-of-work';

/** A unit of work whose transactions commit when the test says so. */
function heldTransactions() {
  const commits: (() => void)[] = [];
  const unitOfWork = {
    run: async <T>(work: (em: EntityManager) => Promise<T>): Promise<T> => {
      const value = await work({} as EntityManager);
      await new Promise<void>((resolve) => commits.push(resolve));
      return value;
    },
  } as unknown as UnitOfWork;
  const commitNext = async () => {
    await until(() => commits.length > 0);
    commits.shift()!();
  };
  return { unitOfWork, commitNext };
}

async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 1_000) throw new Error('condition never became true');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('GroupCommit', () => {
  it('writes an item when nothing is in flight, and what arrives meanwhile together next', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const batches: string[][] = [];
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch) => {
      batches.push(batch.map((b) => b.item));
    });
    const settled: string[] = [];
    const submit = (item: string) => group.submit(item).then(() => settled.push(item));

    const first = submit('a');
    await until(() => batches.length === 1);
    const rest = ['b', 'c', 'd'].map(submit);
    expect(batches).toEqual([['a']]); // b, c, d wait for a's transaction
    await commitNext();
    await first;
    expect(settled).toEqual(['a']); // settled only once committed
    await until(() => batches.length === 2);
    await commitNext();
    await Promise.all(rest);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(settled).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails only the bad item: a failed batch is written again one item at a time', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const batches: string[][] = [];
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch) => {
      batches.push(batch.map((b) => b.item));
      if (batch.some((b) => b.item === 'bad')) throw new Error('duplicate key');
    });
    const first = group.submit('a');
    await until(() => batches.length === 1);
    const outcomes = Promise.allSettled(['b', 'bad', 'c'].map((item) => group.submit(item)));
    await commitNext(); // a
    await first;
    await commitNext(); // b alone
    await commitNext(); // c alone
    const [b, bad, c] = await outcomes;
    expect(b.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('duplicate key') });
    expect(batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('fails a whole batch at once when the database is unreachable, instead of item after item', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const batches: string[][] = [];
    let down = false;
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch) => {
      batches.push(batch.map((b) => b.item));
      if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const first = group.submit('a');
    await until(() => batches.length === 1);
    down = true;
    const outcomes = Promise.allSettled(['b', 'c'].map((item) => group.submit(item)));
    await commitNext(); // a
    await first;
    expect((await outcomes).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('stops writing items alone once the database is unreachable, and fails the rest with it', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const batches: string[][] = [];
    const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch) => {
      batches.push(batch.map((b) => b.item));
      if (batch.length > 1) throw new Error('duplicate key');
      if (batch[0]!.item === 'b') throw unreachable;
    });
    const outcomes = Promise.allSettled(['a', 'b', 'c', 'd'].map((item) => group.submit(item)));
    await commitNext(); // a alone
    const [a, ...rest] = await outcomes;
    expect(a.status).toBe('fulfilled');
    expect(rest).toEqual(rest.map(() => ({ status: 'rejected', reason: unreachable })));
    expect(batches).toEqual([['a', 'b', 'c', 'd'], ['a'], ['b']]);
  });

  it("with retryAlone 'caller', fails each item of a failed batch with SharedWriteFailed, for its caller to retry", async () => {
    const { unitOfWork } = heldTransactions();
    const batches: string[][] = [];
    const group = new GroupCommit<string>(
      unitOfWork,
      async (_em, batch) => {
        batches.push(batch.map((b) => b.item));
        throw new Error('duplicate key');
      },
      { retryAlone: 'caller' },
    );
    const outcomes = await Promise.allSettled(['a', 'b'].map((item) => group.submit(item)));
    expect(outcomes.map((o) => o.status === 'rejected' && o.reason instanceof SharedWriteFailed)).toEqual([
      true,
      true,
    ]);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('takes at most maxBatch items per transaction', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const sizes: number[] = [];
    const group = new GroupCommit<number>(unitOfWork, async (_em, batch) => void sizes.push(batch.length), {
      maxBatch: 2,
    });
    const all = Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    for (let i = 0; i < 3; i++) await commitNext();
    await all;
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('writes the items submitted in one event-loop turn in one transaction, even with nothing in flight', async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const batches: string[][] = [];
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch) => {
      batches.push(batch.map((b) => b.item));
    });
    const all = Promise.all(['a', 'b', 'c'].map((item) => group.submit(item)));
    await commitNext();
    await all;
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it("runs each item's work in its submitter's async context", async () => {
    const { unitOfWork, commitNext } = heldTransactions();
    const request = new AsyncLocalStorage<string>();
    const seen: [string, string | undefined][] = [];
    const group = new GroupCommit<string>(unitOfWork, async (_em, batch: readonly Submitted<string>[]) => {
      for (const { item, inCallerContext } of batch)
        seen.push([item, inCallerContext(() => request.getStore())]);
    });
    const first = request.run('request-a', () => group.submit('a'));
    await until(() => seen.length === 1);
    const rest = ['b', 'c'].map((item) => request.run(`request-${item}`, () => group.submit(item)));
    await commitNext();
    await commitNext();
    await Promise.all([first, ...rest]);
    expect(seen).toEqual([
      ['a', 'request-a'],
      ['b', 'request-b'],
      ['c', 'request-c'],
    ]);
  });
});
