import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders and the local views the order service builds from other services' events.
 * - `product_view` and `customer_view` are event-carried state: placing an order never calls the
 *   catalog or auth. A product event applies only if its version is newer than the row's.
 * - `customer_order.status` is driven by the saga's state machine; `deadline_at` (indexed with
 *   the status) lets the timeout sweep find overdue PENDING orders without a scan.
 * - (customer_id, idempotency_key) is unique: a retried POST finds the order it created, and two
 *   racing retries cannot both create one. `request_hash` tells a replay from a different body.
 * - Lines snapshot the SKU, name and price at placement; later catalog changes do not rewrite orders.
 * - `order_status_change` is the history shown with each order; `order_ignored_event` records
 *   events that did not fit the order's state (they change nothing, but someone may ask why).
 */
export class CreateOrders1764000300000 implements MigrationInterface {
  name = 'CreateOrders1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE product_view (
        product_id CHAR(36) NOT NULL,
        sku VARCHAR(64) NOT NULL,
        name VARCHAR(200) NOT NULL,
        price_cents INT NOT NULL,
        currency CHAR(3) NOT NULL,
        status ENUM('ACTIVE', 'DISCONTINUED') NOT NULL,
        version INT UNSIGNED NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (product_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE customer_view (
        customer_id CHAR(36) NOT NULL,
        email VARCHAR(254) NOT NULL,
        display_name VARCHAR(100) NOT NULL,
        registered_at DATETIME(3) NOT NULL,
        PRIMARY KEY (customer_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE customer_order (
        id CHAR(36) NOT NULL,
        customer_id CHAR(36) NOT NULL,
        status ENUM('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED') NOT NULL,
        total_cents BIGINT NOT NULL,
        currency CHAR(3) NOT NULL,
        idempotency_key VARCHAR(200) NULL,
        request_hash CHAR(64) NULL,
        deadline_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_customer_order_idempotency (customer_id, idempotency_key),
        KEY ix_customer_order_customer (customer_id, created_at),
        KEY ix_customer_order_created (created_at),
        KEY ix_customer_order_deadline (status, deadline_at),
        CONSTRAINT ck_customer_order_total CHECK (total_cents >= 0)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE order_line (
        order_id CHAR(36) NOT NULL,
        line_no SMALLINT UNSIGNED NOT NULL,
        product_id CHAR(36) NOT NULL,
        sku VARCHAR(64) NOT NULL,
        name VARCHAR(200) NOT NULL,
        quantity INT NOT NULL,
        unit_price_cents INT NOT NULL,
        PRIMARY KEY (order_id, line_no),
        CONSTRAINT fk_order_line_order FOREIGN KEY (order_id) REFERENCES customer_order (id),
        CONSTRAINT ck_order_line_quantity CHECK (quantity BETWEEN 1 AND 100)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE order_status_change (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        order_id CHAR(36) NOT NULL,
        status ENUM('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED') NOT NULL,
        reason VARCHAR(1000) NULL,
        changed_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_order_status_change_order (order_id, id),
        CONSTRAINT fk_order_status_change_order FOREIGN KEY (order_id) REFERENCES customer_order (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE order_ignored_event (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        order_id CHAR(36) NOT NULL,
        event_id CHAR(36) NULL,
        event_type VARCHAR(100) NOT NULL,
        order_status ENUM('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED') NOT NULL,
        recorded_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_order_ignored_event_order (order_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'order_ignored_event',
      'order_status_change',
      'order_line',
      'customer_order',
      'customer_view',
      'product_view',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
