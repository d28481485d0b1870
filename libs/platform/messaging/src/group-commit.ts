import { AsyncResource } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '@shopflow/platform/persistence';
import type { UnitOfWork } from './unit-of-work';

/** One caller's item in a shared transaction, and a way back into that caller's async context. */
export interface Submitted<T> {
  item: T;
  /**
   * Runs `work` in the submitter's context: its correlation id and trace, so an event written for
   * this item names its own request, not the one whose turn opened the transaction.
   */
  inCallerContext<R>(work: () => R): R;
}

export type WriteBatch<T> = (em: EntityManager, batch: readonly Submitted<T>[]) => Promise<void>;

/**
 * A shared transaction failed, and this item was in it (`retryAlone: 'caller'`): nothing of it was
 * kept, and the caller writes it again on its own.
 */
export class SharedWriteFailed extends Error {
  constructor(cause: unknown) {
    super('the transaction this item shared failed', { cause });
  }
}

interface Waiting<T> extends Submitted<T> {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit, done by the application: items submitted while a transaction is in flight are
 * written together by the next one, one statement per table for all of them, and the callers hear
 * back once it has committed. Nothing waits on a timer: an item submitted when no transaction is in
 * flight starts one at the end of the event-loop turn it arrived in (`setImmediate`), so the items
 * of one turn share it (a fetch's partitions, orders whose pricing reads came back together). A
 * quiet service writes each item alone and a busy one writes more per transaction the longer its
 * commits take (ADR 0015, 0017).
 *
 * Each caller hears about its own item only. If a batch fails, nothing of it is kept and each item
 * is written again alone: one bad item (a duplicate idempotency key) fails its own caller, and the
 * others commit without it. Those writes go one after another here, or, with `retryAlone:
 * 'caller'`, each caller gets `SharedWriteFailed` and writes its item itself, in parallel with the
 * others (a consumer's partitions, each heartbeating on its own). If the database is unreachable,
 * every item of the batch fails at once.
 */
export class GroupCommit<T> {
  private readonly queue: Waiting<T>[] = [];
  /** A write is scheduled or in flight: a new item joins the queue instead of starting one. */
  private busy = false;
  private readonly maxBatch: number;
  private readonly retryAlone: 'here' | 'caller';

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly writeBatch: WriteBatch<T>,
    options: { maxBatch?: number; retryAlone?: 'here' | 'caller' } = {},
  ) {
    this.maxBatch = options.maxBatch ?? 50;
    this.retryAlone = options.retryAlone ?? 'here';
  }

  /** Resolves once `item` is committed; rejects with what writing it alone threw. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const inCallerContext = AsyncResource.bind(<R>(work: () => R): R => work());
      this.queue.push({ item, inCallerContext, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.writeQueued());
      }
    });
  }

  private async writeQueued(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.write(batch);
        } catch (error) {
          // Alone, every item would meet the same outage, one timeout after another: fail them all now.
          if (batch.length === 1 || isDatabaseUnavailable(error))
            for (const waiting of batch) waiting.reject(error);
          else if (this.retryAlone === 'caller')
            for (const waiting of batch) waiting.reject(new SharedWriteFailed(error));
          else await this.writeEachAlone(batch);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async writeEachAlone(batch: Waiting<T>[]): Promise<void> {
    for (const [i, one] of batch.entries()) {
      try {
        await this.write([one]);
      } catch (failure) {
        one.reject(failure);
        // The database went away meanwhile: the rest would wait out a timeout each.
        if (isDatabaseUnavailable(failure)) {
          for (const rest of batch.slice(i + 1)) rest.reject(failure);
          return;
        }
      }
    }
  }

  /** In the first item's context: the transaction's SQL spans join that caller's trace. */
  private async write(batch: Waiting<T>[]): Promise<void> {
    await batch[0]!.inCallerContext(() => this.unitOfWork.run((em) => this.writeBatch(em, batch)));
    for (const waiting of batch) waiting.resolve();
  }
}
