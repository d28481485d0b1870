import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events written in the same transaction as the state change, published by the relay)
 * and the inbox (one row per consumed event, so a redelivery has no second effect). Every service
 * that uses the messaging lib lists this migration first. Frozen once released: change = new class.
 */
export class CreateMessagingTables1764000000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `seq` gives the relay a total order to publish in (per-key order follows from it); `id` is
    // the event id consumers deduplicate on; `payload` is the serialized envelope, sent as is.
    // (published_at, seq) serves both the relay's "oldest pending first" and the pruning.
    await queryRunner.query(`
      CREATE TABLE outbox_message (
        seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        id CHAR(36) NOT NULL,
        topic VARCHAR(249) NOT NULL,
        message_key VARCHAR(191) NOT NULL,
        event_type VARCHAR(100) NOT NULL,
        payload MEDIUMTEXT NOT NULL,
        headers TEXT NOT NULL,
        created_at DATETIME(3) NOT NULL,
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        last_error VARCHAR(1000) NULL,
        published_at DATETIME(3) NULL,
        PRIMARY KEY (seq),
        UNIQUE KEY uq_outbox_message_id (id),
        KEY ix_outbox_message_pending (published_at, seq)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE inbox_message (
        consumer VARCHAR(100) NOT NULL,
        event_id CHAR(36) NOT NULL,
        topic VARCHAR(249) NOT NULL,
        event_type VARCHAR(100) NOT NULL,
        processed_at DATETIME(3) NOT NULL,
        PRIMARY KEY (consumer, event_id),
        KEY ix_inbox_message_processed_at (processed_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox_message');
    await queryRunner.query('DROP TABLE outbox_message');
  }
}
