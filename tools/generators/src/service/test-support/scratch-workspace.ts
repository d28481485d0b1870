import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '../../../../..');

export interface CommandResult {
  command: string;
  code: number | null;
  output: string;
  seconds: number;
}

/**
 * A copy of this workspace's files (tracked, and new ones not ignored: what a commit would hold)
 * under the system's temporary directory, sharing node_modules through a symlink, and the
 * already-built service bundles when `npm test` built them, so the drift checks need not rebuild.
 */
export class ScratchWorkspace {
  private constructor(readonly root: string) {}

  static create(): ScratchWorkspace {
    const root = mkdtempSync(join(tmpdir(), 'shopflow-generator-'));
    try {
      const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: ROOT,
        encoding: 'utf8',
      })
        .split('\0')
        .filter((file) => file && !/^node_modules(\/|$)/.test(file) && existsSync(join(ROOT, file)));
      for (const file of files) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        cpSync(join(ROOT, file), join(root, file));
      }
      symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      for (const app of ['auth', 'catalog', 'order', 'loadgen']) {
        const bundle = join(ROOT, 'dist/apps', app);
        if (existsSync(join(bundle, 'main.js')))
          cpSync(bundle, join(root, 'dist/apps', app), { recursive: true });
      }
      return new ScratchWorkspace(root);
    } catch (error) {
      // Nothing is left behind when the copy fails half way.
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs a workspace binary (node_modules/.bin) or node in the copy; never rejects. */
  run(command: string, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
    const started = Date.now();
    const executable = command === 'node' ? process.execPath : join(this.root, 'node_modules/.bin', command);
    return new Promise((resolve) => {
      const child = spawn(executable, args, {
        cwd: this.root,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const done = (code: number | null) =>
        resolve({
          command: `${command} ${args.join(' ')}`,
          code,
          output,
          seconds: (Date.now() - started) / 1000,
        });
      child.once('error', (error) => {
        output += String(error);
        done(null);
      });
      // 'close', not 'exit': only then has everything the command printed reached `output`.
      child.once('close', done);
    });
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What a failed command said, for the assertion message; nothing when it passed. */
export const failureOf = (result: CommandResult): string =>
  result.code === 0 ? '' : `${result.command} exited ${result.code}:\n${result.output.slice(-6000)}`;
