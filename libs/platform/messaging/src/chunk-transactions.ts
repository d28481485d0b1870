import type { EntityManager } from 'typeorm';
import { GroupCommit, SharedWriteFailed } from './group-commit';
import { applyRun, runsOf, type Applicable } from './handler-runs';
import { markInbox } from './inbox';
import type { UnitOfWork } from './unit-of-work';

/**
 * Applies a consumer's chunks, each with one inbox statement for all its events, then its handlers
 * run by run (ADR 0016). Chunks of several partitions that wait at the same time share one
 * transaction (ADR 0017); a full chunk, a partition catching up, gets its own and keeps applying
 * beside the others. If a shared transaction fails, nothing of it is kept and each partition tries
 * its chunk again alone, side by side; a chunk that fails alone rejects, and the consumer applies
 * its events one by one.
 */
export class ChunkTransactions {
  private readonly shared: GroupCommit<Applicable[]>;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly groupId: string,
    private readonly observe: (type: string, seconds: number) => void,
  ) {
    this.shared = new GroupCommit(
      unitOfWork,
      (em, chunks) =>
        this.apply(
          em,
          chunks.flatMap(({ item }) => item),
        ),
      { retryAlone: 'caller' },
    );
  }

  /** Resolves once the chunk's events are committed. */
  async run(chunk: Applicable[], { full }: { full: boolean }): Promise<void> {
    const alone = () => this.unitOfWork.run((em) => this.apply(em, chunk));
    if (full) return alone();
    await this.shared.submit(chunk).catch((error: unknown) => {
      if (error instanceof SharedWriteFailed) return alone();
      throw error;
    });
  }

  private async apply(em: EntityManager, events: Applicable[]): Promise<void> {
    const entries = events.map((item) => ({ topic: item.message.topic, event: item.envelope }));
    // Some were applied before (a redelivery): roll back, and the one-by-one path says which.
    if ((await markInbox(em, this.groupId, entries)) !== events.length) throw new RedeliveredInChunk();
    for (const run of runsOf(events)) await applyRun(em, run, this.groupId, this.observe);
  }
}

/** A chunk held an event already in the inbox: nothing of it is kept, and it is applied one by one. */
class RedeliveredInChunk extends Error {}
