import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const KAFKA_CLI = join(__dirname, '../../../tools/kafka/kafka.mjs');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [KAFKA_CLI, ...args], { timeout: 120_000 });

/**
 * A Kafka broker of a test's own, for tests that stop and restart it (the shared test broker must
 * stay up). Driven through the tools/kafka command line, exactly as a developer would.
 */
export class DedicatedKafka {
  private constructor(
    readonly port: number,
    private readonly dataDir: string,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** `port` must leave port + 10000 free too (the controller listener); keep both below 32768, the ephemeral range. */
  static async start(port: number): Promise<DedicatedKafka> {
    const kafka = new DedicatedKafka(port, mkdtempSync(join(tmpdir(), 'kafka-test-')));
    await run(['start', '--port', String(port), '--data-dir', kafka.dataDir]);
    return kafka;
  }

  /** Stops the broker process; its data (topics, messages, committed offsets) stays on disk. */
  async stop(): Promise<void> {
    await run(['stop', '--data-dir', this.dataDir]);
  }

  /** Starts the same broker again on its existing data. */
  async restart(): Promise<void> {
    await run(['start', '--keep-data', '--port', String(this.port), '--data-dir', this.dataDir]);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
