import type { DataSource, EntityManager } from 'typeorm';

export interface RelayWaker {
  wake(): void;
}

/**
 * A database transaction that also wakes the outbox relay right after it commits, so events
 * written in it are published in milliseconds rather than at the next poll.
 */
export class UnitOfWork {
  /** The after-commit callbacks of each transaction in progress, by its EntityManager. */
  private readonly pending = new WeakMap<EntityManager, (() => void)[]>();
  /** Work that ends each transaction in progress, before its COMMIT, by its EntityManager. */
  private readonly finishing = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: RelayWaker,
  ) {}

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const afterCommit: (() => void)[] = [];
    const result = await this.dataSource.transaction(async (em) => {
      const beforeCommit: (() => Promise<void>)[] = [];
      this.pending.set(em, afterCommit);
      this.finishing.set(em, beforeCommit);
      const value = await work(em);
      for (let i = 0; i < beforeCommit.length; i++) await beforeCommit[i]!();
      return value;
    });
    this.relay.wake();
    for (const callback of afterCommit) {
      try {
        callback();
      } catch (error) {
        // The transaction is committed: failing the caller now would make it retry work that is done.
        const reason = error instanceof Error ? error.message : String(error);
        process.emitWarning(`an after-commit callback failed: ${reason}`, 'UnitOfWorkAfterCommit');
      }
    }
    return result;
  }

  /**
   * Runs `callback` once the transaction `em` belongs to has committed, and never if it rolls back.
   * For bookkeeping outside the database, such as metrics: a counter bumped inside a transaction
   * that then rolls back (a deadlock victim, a chunk retried one message at a time) counts twice.
   */
  /**
   * Runs `work` in the transaction `em` belongs to, after the caller's work and just before COMMIT;
   * a failure rolls the transaction back. Returns false when `em` is not from `run` (nothing to
   * attach to), for callers that then do the work at once. The outbox writes its rows this way:
   * the events of a whole consumer chunk in one INSERT.
   */
  beforeCommit(em: EntityManager, work: () => Promise<void>): boolean {
    const finishing = this.finishing.get(em);
    finishing?.push(work);
    return finishing !== undefined;
  }

  afterCommit(em: EntityManager, callback: () => void): void {
    const callbacks = this.pending.get(em);
    if (!callbacks) throw new Error('afterCommit needs an EntityManager from UnitOfWork.run');
    callbacks.push(callback);
  }
}
