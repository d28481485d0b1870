import type { EntityManager } from 'typeorm';
import type { UnitOfWork } from './unit-of-work';

/**
 * Rows for one append-only table, collected through a transaction and written in one INSERT just
 * before its COMMIT: a consumer chunk that appends a row per event costs one statement, not one per
 * event. Rows keep the order they were added in (an AUTO_INCREMENT key numbers them that way), and
 * the transaction still holds its locks when they are written.
 *
 * Only for rows nothing reads back in the same transaction: until the COMMIT they are not there.
 * Outside a `UnitOfWork` transaction a row is written at once.
 */
export class InsertAtCommit<Row extends readonly unknown[]> {
  private readonly staged = new WeakMap<EntityManager, Row[]>();

  /** `insert` ends in `VALUES ?`, for the rows as nested arrays. */
  constructor(
    private readonly insert: string,
    private readonly unitOfWork?: UnitOfWork,
  ) {}

  async add(em: EntityManager, row: Row): Promise<void> {
    const staged = this.staged.get(em);
    if (staged) staged.push(row);
    else if (this.unitOfWork?.beforeCommit(em, () => this.write(em))) this.staged.set(em, [row]);
    else await em.query(this.insert, [[row]]);
  }

  private async write(em: EntityManager): Promise<void> {
    const rows = this.staged.get(em) ?? [];
    this.staged.delete(em);
    await em.query(this.insert, [rows]);
  }
}
