import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  ROLES,
  UserRegisteredV1,
  UserRolesChangedV1,
  type Page,
  type Role,
  type UserProfile,
} from '@shopflow/contracts';
import { Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { isDuplicateKey } from '@shopflow/platform/persistence';
import { PasswordHasher } from '@shopflow/platform/security';
import { AuthSettings } from '../config/auth-settings';
import { normalizeEmail, User } from './user.entity';
import { EmailTaken, UserNotFound } from './user.errors';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly hasher: PasswordHasher,
    private readonly settings: AuthSettings,
  ) {}

  async register(
    input: { email: string; password: string; displayName: string },
    roles: Role[] = ['customer'],
  ) {
    // Hash outside the transaction: milliseconds of CPU should not hold a connection and locks.
    const passwordHash = await this.hasher.hash(input.password);
    const now = new Date();
    const user = Object.assign(new User(), {
      id: randomUUID(),
      email: normalizeEmail(input.email),
      displayName: input.displayName,
      passwordHash,
      roles,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    try {
      await this.unitOfWork.run(async (em) => {
        // The unique key decides a race between two registrations of one email: one insert waits,
        // then fails with a duplicate key, and nothing of it (outbox row included) is committed.
        await em.insert(User, user);
        await this.outbox.add(em, UserRegisteredV1, {
          userId: user.id,
          email: user.email,
          displayName: user.displayName,
          roles: user.roles,
        });
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw new EmailTaken();
      throw error;
    }
    return user.toProfile();
  }

  async profile(id: string): Promise<UserProfile> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw new UserNotFound();
    return user.toProfile();
  }

  async list(page: number, limit: number): Promise<Page<UserProfile>> {
    const [users, total] = await this.dataSource.getRepository(User).findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items: users.map((u) => u.toProfile()), total, page, limit };
  }

  async changeRoles(id: string, roles: Role[]): Promise<UserProfile> {
    return this.unitOfWork.run(async (em) => {
      const user = await em.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFound();
      // The SET column reads back in declaration order; answer and announce in that same order.
      user.roles = ROLES.filter((role) => roles.includes(role));
      user.updatedAt = new Date();
      await em.save(user);
      await this.outbox.add(em, UserRolesChangedV1, { userId: user.id, roles: user.roles });
      return user.toProfile();
    });
  }

  /** Ensures the configured admin account exists and is an admin. Idempotent across restarts and replicas. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.settings;
    if (!adminEmail || !adminPassword) return;
    const existing = await this.dataSource
      .getRepository(User)
      .findOneBy({ email: normalizeEmail(adminEmail) });
    if (existing?.roles.includes('admin')) return;
    if (existing) {
      await this.changeRoles(existing.id, [...new Set<Role>([...existing.roles, 'admin'])]);
    } else {
      await this.register({ email: adminEmail, password: adminPassword, displayName: 'Administrator' }, [
        'admin',
        'customer',
      ]).catch((error: unknown) => {
        // Another replica created it first.
        if (!(error instanceof EmailTaken)) throw error;
      });
    }
    this.logger.log({ msg: 'admin account ensured', email: normalizeEmail(adminEmail) });
  }
}
