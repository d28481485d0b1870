import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';

const ZIPKIN_CLI = join(__dirname, '../../../tools/zipkin/zipkin.mjs');

/** A span as Zipkin's API v2 returns it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/**
 * The local trace backend (tools/zipkin, the one `npm start` runs) on a free port, for tests that
 * look a trace up through its HTTP API. The first start resolves the jar with Maven.
 */
export class ZipkinServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly baseUrl: string,
  ) {}

  get spansUrl(): string {
    return `${this.baseUrl}/api/v2/spans`;
  }

  static async start(timeoutMs = 240_000): Promise<ZipkinServer> {
    const port = await freePort();
    const child = spawn(process.execPath, [ZIPKIN_CLI, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const server = new ZipkinServer(child, `http://127.0.0.1:${port}`);
    try {
      await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`zipkin exited (${child.exitCode}): ${output}`);
          const response = await fetch(`${server.baseUrl}/health`);
          if (!response.ok) throw new Error(`zipkin /health: ${response.status}`);
        },
        { timeoutMs, intervalMs: 250 },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Traces Zipkin holds for a service (the newest first), each as its spans. */
  async traces(serviceName: string, limit = 100): Promise<ZipkinSpan[][]> {
    const response = await fetch(
      `${this.baseUrl}/api/v2/traces?serviceName=${encodeURIComponent(serviceName)}&limit=${limit}&lookback=3600000`,
    );
    if (!response.ok) throw new Error(`zipkin traces: ${response.status} ${await response.text()}`);
    return (await response.json()) as ZipkinSpan[][];
  }

  async trace(traceId: string): Promise<ZipkinSpan[]> {
    const response = await fetch(`${this.baseUrl}/api/v2/trace/${traceId}`);
    if (!response.ok) throw new Error(`zipkin trace ${traceId}: ${response.status}`);
    return (await response.json()) as ZipkinSpan[];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) return resolve();
      this.process.once('exit', () => resolve());
      this.process.kill('SIGTERM');
    });
  }
}
