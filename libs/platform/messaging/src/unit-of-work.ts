import type { DataSource, EntityManager } from 'typeorm';

export interface RelayWaker {
  wake(): void;
}

/**
 * A database transaction that also wakes the outbox relay right after it commits, so events
 * written in it are published in milliseconds rather than at the next poll.
 */
interface OpenTransaction {
  /** Work that ends the transaction, before its COMMIT (`beforeCommit`). */
  finishing: (() => Promise<void>)[];
  /** Callbacks for after its COMMIT (`afterCommit`). */
  committed: (() => void)[];
}

export class UnitOfWork {
  /** Each transaction in progress, by its EntityManager. */
  private readonly open = new WeakMap<EntityManager, OpenTransaction>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: RelayWaker,
  ) {}

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const transaction: OpenTransaction = { finishing: [], committed: [] };
    const result = await this.dataSource.transaction(async (em) => {
      this.open.set(em, transaction);
      const value = await work(em);
      // Indexed, so work that a finishing step adds still runs before the COMMIT.
      for (let i = 0; i < transaction.finishing.length; i++) await transaction.finishing[i]!();
      return value;
    });
    this.relay.wake();
    for (const callback of transaction.committed) {
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
   * Runs `work` in the transaction `em` belongs to, after the caller's work and just before COMMIT;
   * a failure rolls the transaction back. Returns false when `em` is not from `run` (nothing to
   * attach to), for callers that then do the work at once. `InsertAtCommit` writes its rows this
   * way: the events of a whole consumer chunk in one INSERT.
   */
  beforeCommit(em: EntityManager, work: () => Promise<void>): boolean {
    const transaction = this.open.get(em);
    transaction?.finishing.push(work);
    return transaction !== undefined;
  }

  /**
   * Runs `callback` once the transaction `em` belongs to has committed, and never if it rolls back.
   * For bookkeeping outside the database, such as metrics: a counter bumped inside a transaction
   * that then rolls back (a deadlock victim, a chunk retried one message at a time) counts twice.
   */
  afterCommit(em: EntityManager, callback: () => void): void {
    const transaction = this.open.get(em);
    if (!transaction) throw new Error('afterCommit needs an EntityManager from UnitOfWork.run');
    transaction.committed.push(callback);
  }
}
