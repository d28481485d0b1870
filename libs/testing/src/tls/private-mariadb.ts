import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { eventually } from '../eventually';
import { freePort } from '../free-port';

export interface ServerTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * A MariaDB server of a test's own, from the installed binaries (mariadb-install-db, mariadbd):
 * data, socket and log in a temporary directory, on a free port of 127.0.0.1, optionally with TLS.
 * For tests that need server settings the machine's shared server must not get (its TLS is off).
 * root has no password and is reachable from 127.0.0.1 only.
 */
export class PrivateMariaDb {
  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly server: ChildProcess,
  ) {}

  get adminUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  static async start(tls?: ServerTls): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'shopflow-mariadb-'));
    const user = userInfo().username; // mariadbd refuses to run as root without being told to
    await promisify(execFile)('mariadb-install-db', [
      ...['--no-defaults', `--datadir=${join(dir, 'data')}`, `--user=${user}`],
      ...['--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'],
    ]);
    const port = await freePort();
    const server = spawn(
      'mariadbd',
      [
        ...['--no-defaults', `--datadir=${join(dir, 'data')}`, `--user=${user}`],
        ...[`--socket=${join(dir, 'mariadb.sock')}`, `--pid-file=${join(dir, 'mariadb.pid')}`],
        ...[`--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve'],
        ...[`--log-error=${join(dir, 'error.log')}`, '--innodb-buffer-pool-size=32M'],
        ...(tls ? [`--ssl-ca=${tls.ca}`, `--ssl-cert=${tls.cert}`, `--ssl-key=${tls.key}`] : []),
      ],
      { stdio: 'ignore' },
    );
    const db = new PrivateMariaDb(dir, port, server);
    try {
      await eventually(
        async () => {
          if (server.exitCode !== null) throw new Error(`mariadbd exited: ${db.errorLogTail()}`);
          const connection = await createConnection({ uri: db.adminUrl, connectTimeout: 1_000 });
          await connection.end();
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    } catch (error) {
      await db.stop();
      throw error;
    }
    return db;
  }

  /** Runs statements as root. */
  async admin(...statements: string[]): Promise<void> {
    const connection = await createConnection(this.adminUrl);
    try {
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 15 s) and removes its directory. */
  async stop(): Promise<void> {
    if (this.server.exitCode === null && this.server.signalCode === null) {
      const exited = new Promise((resolve) => this.server.once('exit', resolve));
      this.server.kill('SIGTERM');
      const timer = setTimeout(() => this.server.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private errorLogTail(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      return '(no error log)';
    }
  }
}
