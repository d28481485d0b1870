import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@shopflow/contracts';
import { eventually } from './eventually';

const WORKSPACE = join(__dirname, '../../..');

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code (or signal name) once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  exited: Promise<number | string>;
}

/**
 * Starts a built service (dist/apps/<name>/main.js) as its own process, exactly as it is deployed.
 * `from` runs a copy of the bundle elsewhere (an image's contents: the bundle beside its own
 * production node_modules), with that folder as the working directory.
 */
export function spawnService(
  name: ServiceName,
  env: Record<string, string | undefined>,
  args: string[] = [],
  { from }: { from?: string } = {},
): ServiceProcess {
  const main = from ? join(from, 'main.js') : join(WORKSPACE, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the services first (npm test does)`);
  const child = spawn(process.execPath, [main, ...args], {
    cwd: from ?? WORKSPACE,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  // 'close', not 'exit': only then has everything the process wrote reached `output`.
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    baseUrl: `http://127.0.0.1:${env['HTTP_PORT']}`,
    child,
    output: () => output,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls /health/ready until it answers 200, failing with the process output if it never does. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`service exited early:\n${service.output()}`);
      const response = await fetch(`${service.baseUrl}/health/ready`);
      if (response.status !== 200) throw new Error(`not ready: ${response.status} ${await response.text()}`);
    },
    { timeoutMs, intervalMs: 100 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${service.output().slice(-4000)}`);
  });
}
