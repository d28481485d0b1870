import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Role, UserProfile } from '@shopflow/contracts';

@Entity('app_user')
export class User {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  /** Always normalised: see normalizeEmail. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'set', enum: ['customer', 'admin'] })
  roles: Role[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  @VersionColumn()
  version: number;

  toProfile(): UserProfile {
    return {
      id: this.id,
      email: this.email,
      displayName: this.displayName,
      roles: [...this.roles],
      createdAt: this.createdAt.toISOString(),
    };
  }
}

/** Trimmed and lower-cased: one account per mailbox however it is typed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
