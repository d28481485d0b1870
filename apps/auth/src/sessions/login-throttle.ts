import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthSettings } from '../config/auth-settings';

export type ThrottleSubject = { kind: 'client' | 'account' | 'address'; value: string };

/**
 * The three counters one login attempt touches (ADR 0004):
 * - client: this account from this address. Guessing stops here, and only here: the account's owner
 *   elsewhere is not locked out by a stranger.
 * - account: this account from anywhere, a high backstop against guessing spread over many addresses.
 * - address: any account from this address, a high limit against credential stuffing.
 */
export function throttleSubjects(account: string, address: string): ThrottleSubject[] {
  const network = addressNetwork(address);
  // Hashed: an account key and an address together would not fit the subject column.
  const client = createHash('sha256').update(`${account}\n${network}`).digest('hex');
  return [
    { kind: 'client', value: client },
    { kind: 'account', value: account },
    { kind: 'address', value: network },
  ];
}

/**
 * What counts as one client address: an IPv4 address (also when IPv4-mapped), or an IPv6 /64, the
 * smallest network a provider hands out; counting single IPv6 addresses would give one host
 * 2^64 fresh budgets.
 */
export function addressNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    groups.push(...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest);
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Counts failed logins per subject over a sliding window, in the database so the limit holds across
 * replicas. A subject over its limit is refused until its oldest failure in the window ages out; a
 * successful login clears its client's failures.
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

  /** After a success: the client's own failures go; the account's and address's keep counting. */
  async clearClient(subjects: ThrottleSubject[]): Promise<void> {
    const client = subjects.filter((s) => s.kind === 'client').map(key);
    await this.dataSource.query('DELETE FROM login_failure WHERE subject IN (?)', [client]);
  }

  private limitOf(subject: string): number {
    const { maxPerClient, maxPerAccount, maxPerAddress } = this.settings.throttle;
    if (subject.startsWith('client:')) return maxPerClient;
    return subject.startsWith('account:') ? maxPerAccount : maxPerAddress;
  }
}

const key = (s: ThrottleSubject) => `${s.kind}:${s.value}`;
