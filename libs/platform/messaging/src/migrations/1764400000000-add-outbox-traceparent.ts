import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C traceparent of the transaction that wrote an outbox row, so the relay can send it in the
 * record's headers and the consumer continue the trace (docs/adr/0009-tracing-through-the-outbox.md).
 * NULL when tracing is off or the row predates this column. A nullable column without a default
 * is an instant ALTER on MySQL 8.4 and MariaDB 10.11: no table copy, no long lock.
 */
export class AddOutboxTraceparent1764400000000 implements MigrationInterface {
  name = 'AddOutboxTraceparent1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE outbox_message ADD COLUMN traceparent VARCHAR(128) NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE outbox_message DROP COLUMN traceparent');
  }
}
