import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { freePort } from '@shopflow/testing';

// The catalog benchmark's baseline as a process of its own, like the service, and the check that
// both answer alike before either is measured.

export interface Server {
  baseUrl: string;
  pid: number | undefined;
  stop(): Promise<unknown>;
}

/** The bare Fastify + mysql2 server, as its own process like the service. */
export async function startBareServer(databaseUrl: string, poolSize: string): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'catalog-bare-server.ts')],
    {
      env: {
        PATH: process.env['PATH'],
        SWC_NODE_PROJECT: process.env['SWC_NODE_PROJECT'],
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_SIZE: poolSize,
        HTTP_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bare server exited:\n${output}`);
    const ok = await fetch(`${baseUrl}/v1/products?limit=1`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`bare server never answered:\n${output}`);
    await sleep(100);
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Both servers must answer the same requests with the same status, JSON and ETag, or nothing is measured. */
export async function assertSameAnswers(service: string, bare: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    const [a, b] = await Promise.all([fetch(`${service}${path}`), fetch(`${bare}${path}`)]);
    const [bodyA, bodyB] = await Promise.all([a.json(), b.json()]);
    if (a.status !== 200 || b.status !== 200 || !isDeepStrictEqual(bodyA, bodyB))
      throw new Error(
        `the service and the bare server answer ${path} differently:\n` +
          `service ${a.status} ${JSON.stringify(bodyA)}\nbare    ${b.status} ${JSON.stringify(bodyB)}`,
      );
    if (a.headers.get('etag') !== b.headers.get('etag'))
      throw new Error(`ETag differs for ${path}: ${a.headers.get('etag')} vs ${b.headers.get('etag')}`);
  }
}
