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

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: RelayWaker,
  ) {}

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const afterCommit: (() => void)[] = [];
    const result = await this.dataSource.transaction((em) => {
      this.pending.set(em, afterCommit);
      return work(em);
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
  afterCommit(em: EntityManager, callback: () => void): void {
    const callbacks = this.pending.get(em);
    if (!callbacks) throw new Error('afterCommit needs an EntityManager from UnitOfWork.run');
    callbacks.push(callback);
  }
}
