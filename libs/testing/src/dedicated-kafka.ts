import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const KAFKA_CLI = join(__dirname, '../../../tools/kafka/kafka.mjs');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [KAFKA_CLI, ...args], { timeout: 120_000 });

/** Listeners beyond PLAINTEXT, with their broker properties (see `kafka.mjs --help`). */
export interface SecuredListeners {
  /** `NAME:PROTOCOL:PORT_OFFSET`, e.g. `SECURE:SASL_SSL:50`. */
  listeners: string[];
  properties: Record<string, string>;
  /** SCRAM users created when the storage is formatted, e.g. `SCRAM-SHA-512=[name=u,password=p]`. */
  scram?: string[];
}

interface ClusterNode {
  id: number;
  port: number;
  pid: number;
}

/**
 * A Kafka cluster of a test's own (1 or 3 brokers), for tests that stop, restart or kill it (the
 * shared test broker must stay up). Driven through the tools/kafka command line, exactly as a
 * developer would.
 */
export class DedicatedKafka {
  private constructor(
    readonly port: number,
    readonly brokerCount: 1 | 3,
    private readonly dataDir: string,
  ) {}

  get brokers(): string[] {
    return this.nodes().map((n) => `127.0.0.1:${n.port}`);
  }

  /**
   * `port` (and port + 1, + 2 with 3 brokers) must leave port + 10000 free too (the controller
   * listeners); keep both below 32768, the ephemeral range.
   */
  static async start(
    port: number,
    brokerCount: 1 | 3 = 1,
    secured?: SecuredListeners,
  ): Promise<DedicatedKafka> {
    const kafka = new DedicatedKafka(port, brokerCount, mkdtempSync(join(tmpdir(), 'kafka-test-')));
    await run([
      'start',
      '--brokers',
      String(brokerCount),
      '--port',
      String(port),
      '--data-dir',
      kafka.dataDir,
      ...(secured?.listeners.flatMap((l) => ['--listener', l]) ?? []),
      ...Object.entries(secured?.properties ?? {}).flatMap(([k, v]) => ['--property', `${k}=${v}`]),
      ...(secured?.scram?.flatMap((s) => ['--add-scram', s]) ?? []),
    ]);
    return kafka;
  }

  /** The brokers as started: Kafka node id, listener port, process id. */
  nodes(): ClusterNode[] {
    return JSON.parse(readFileSync(join(this.dataDir, 'cluster.json'), 'utf8')).nodes;
  }

  /** SIGKILL to one broker: no controlled shutdown, leadership moves only when the controller notices. */
  killNode(nodeId: number): void {
    const node = this.nodes().find((n) => n.id === nodeId);
    if (!node) throw new Error(`no Kafka node ${nodeId}`);
    process.kill(node.pid, 'SIGKILL');
  }

  /** Stops the broker processes; their data (topics, messages, committed offsets) stays on disk. */
  async stop(): Promise<void> {
    await run(['stop', '--data-dir', this.dataDir]);
  }

  /** Starts the same cluster again on its existing data. */
  async restart(): Promise<void> {
    await run(['start', '--keep-data', '--port', String(this.port), '--data-dir', this.dataDir]);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
