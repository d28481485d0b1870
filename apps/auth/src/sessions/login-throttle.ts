import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthSettings } from '../auth.settings';

export type ThrottleSubject = { kind: 'account' | 'address'; value: string };

/**
 * Counts failed logins per account and per client address over a sliding window, in the database
 * so the limit holds across replicas. A subject over its limit is refused until its oldest failure
 * in the window ages out; a successful login clears the account's failures.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: AuthSettings,
  ) {}

  /** Seconds to wait, or 0 when every subject may try. */
  async retryAfterSeconds(subjects: ThrottleSubject[]): Promise<number> {
    const { windowMs } = this.settings.throttle;
    const now = Date.now();
    const rows: { subject: string; failures: string | number; oldest: Date }[] = await this.dataSource.query(
      `SELECT subject, COUNT(*) AS failures, MIN(failed_at) AS oldest FROM login_failure
       WHERE subject IN (?) AND failed_at > ? GROUP BY subject`,
      [subjects.map(key), new Date(now - windowMs)],
    );
    let wait = 0;
    for (const row of rows) {
      if (Number(row.failures) < this.limitOf(row.subject)) continue;
      wait = Math.max(wait, Math.ceil((new Date(row.oldest).getTime() + windowMs - now) / 1000));
    }
    return wait;
  }

  async recordFailure(subjects: ThrottleSubject[]): Promise<void> {
    const now = new Date();
    await this.dataSource.query('INSERT INTO login_failure (subject, failed_at) VALUES ?', [
      subjects.map((s) => [key(s), now]),
    ]);
    // Keep the table small: failures older than the window no longer matter.
    await this.dataSource.query('DELETE FROM login_failure WHERE failed_at < ? LIMIT 1000', [
      new Date(now.getTime() - this.settings.throttle.windowMs),
    ]);
  }

  async clear(subject: ThrottleSubject): Promise<void> {
    await this.dataSource.query('DELETE FROM login_failure WHERE subject = ?', [key(subject)]);
  }

  private limitOf(subject: string): number {
    return subject.startsWith('account:')
      ? this.settings.throttle.maxPerAccount
      : this.settings.throttle.maxPerAddress;
  }
}

const key = (s: ThrottleSubject) => `${s.kind}:${s.value}`;
