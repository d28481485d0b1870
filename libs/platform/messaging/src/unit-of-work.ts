import type { DataSource, EntityManager } from 'typeorm';

export interface RelayWaker {
  wake(): void;
}

/**
 * A database transaction that also wakes the outbox relay right after it commits, so events
 * written in it are published in milliseconds rather than at the next poll.
 */
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: RelayWaker,
  ) {}

  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.relay.wake();
    return result;
  }
}
