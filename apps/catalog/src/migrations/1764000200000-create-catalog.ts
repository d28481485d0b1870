import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Products, the stock movements that audit every change of stock, and the reservations held for
 * orders.
 * - Stock is two counters on the product row, so a reservation is one locked row per product and
 *   a read needs no aggregation; CHECK constraints make "never negative" the database's rule too.
 * - The browse indexes lead with `status` (only ACTIVE products are listed) and end with the sort
 *   column, so a filtered, sorted page is an index range read in order, with no filesort; InnoDB
 *   appends the primary key to each, which serves the `id` tie-break of the sort.
 * - The prefix search `q` on name or SKU is an index-merge union of ix_product_browse_name and uq_product_sku.
 * - `stock_reservation` is keyed by (order, product): an order reserves a product once, and
 *   releasing flips the rows' state, so every unit stays accounted for.
 */
export class CreateCatalog1764000200000 implements MigrationInterface {
  name = 'CreateCatalog1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE product (
        id CHAR(36) NOT NULL,
        sku VARCHAR(64) NOT NULL,
        name VARCHAR(200) NOT NULL,
        description VARCHAR(2000) NOT NULL,
        category VARCHAR(64) NOT NULL,
        price_cents INT NOT NULL,
        currency CHAR(3) NOT NULL,
        stock_available INT NOT NULL,
        stock_reserved INT NOT NULL,
        status ENUM('ACTIVE', 'DISCONTINUED') NOT NULL,
        version INT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_product_sku (sku),
        KEY ix_product_browse_name (status, name),
        KEY ix_product_browse_price (status, price_cents),
        KEY ix_product_browse_created (status, created_at),
        KEY ix_product_category_name (status, category, name),
        KEY ix_product_category_price (status, category, price_cents),
        KEY ix_product_category_created (status, category, created_at),
        CONSTRAINT ck_product_price CHECK (price_cents >= 0),
        CONSTRAINT ck_product_stock_available CHECK (stock_available >= 0),
        CONSTRAINT ck_product_stock_reserved CHECK (stock_reserved >= 0)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE stock_movement (
        id CHAR(36) NOT NULL,
        product_id CHAR(36) NOT NULL,
        delta INT NOT NULL,
        reason VARCHAR(200) NOT NULL,
        actor_id CHAR(36) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_stock_movement_product (product_id, created_at),
        CONSTRAINT fk_stock_movement_product FOREIGN KEY (product_id) REFERENCES product (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE stock_reservation (
        order_id CHAR(36) NOT NULL,
        product_id CHAR(36) NOT NULL,
        quantity INT NOT NULL,
        state ENUM('RESERVED', 'RELEASED') NOT NULL,
        reserved_at DATETIME(3) NOT NULL,
        released_at DATETIME(3) NULL,
        PRIMARY KEY (order_id, product_id),
        KEY ix_stock_reservation_product (product_id, state),
        CONSTRAINT fk_stock_reservation_product FOREIGN KEY (product_id) REFERENCES product (id),
        CONSTRAINT ck_stock_reservation_quantity CHECK (quantity > 0)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE stock_reservation');
    await queryRunner.query('DROP TABLE stock_movement');
    await queryRunner.query('DROP TABLE product');
  }
}
