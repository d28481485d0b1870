import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, refresh tokens and login failures.
 * - `email` is stored normalised (trimmed, lower case), so the unique key is case-insensitive
 *   whatever the collation, and two racing registrations cannot both succeed.
 * - Roles are a SET: a closed list the database enforces, no join for the common read.
 * - Refresh tokens are stored as SHA-256 hashes; `family_id` links a chain of rotations so reuse
 *   of a spent token can revoke the whole chain.
 * - Login failures are rows (not process memory) so throttling holds across replicas.
 */
export class CreateAccounts1764000100000 implements MigrationInterface {
  name = 'CreateAccounts1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE app_user (
        id CHAR(36) NOT NULL,
        email VARCHAR(254) NOT NULL,
        display_name VARCHAR(100) NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        roles SET('customer', 'admin') NOT NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        version INT UNSIGNED NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_app_user_email (email),
        KEY ix_app_user_created_at (created_at, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE refresh_token (
        id CHAR(36) NOT NULL,
        family_id CHAR(36) NOT NULL,
        user_id CHAR(36) NOT NULL,
        token_hash CHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        used_at DATETIME(3) NULL,
        revoked_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_refresh_token_hash (token_hash),
        KEY ix_refresh_token_family (family_id),
        KEY ix_refresh_token_user (user_id),
        CONSTRAINT fk_refresh_token_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      CREATE TABLE login_failure (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        subject VARCHAR(300) NOT NULL,
        failed_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_login_failure_subject (subject, failed_at),
        KEY ix_login_failure_failed_at (failed_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE login_failure');
    await queryRunner.query('DROP TABLE refresh_token');
    await queryRunner.query('DROP TABLE app_user');
  }
}
