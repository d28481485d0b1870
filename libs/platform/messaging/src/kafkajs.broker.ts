import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Admin,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { KafkaSecurity } from '@shopflow/platform/config';
import type { Logger } from '@shopflow/platform/observability';
import { KafkajsGroupMember, type GroupTimings } from './kafkajs.consumer';
import { kafkajsSecurityOptions } from './kafkajs.security';
import type {
  BatchHandler,
  ConsumerSpec,
  MessageBroker,
  OutgoingMessage,
  RunningConsumer,
  TopicSpec,
} from './message-broker.port';

export interface KafkaBrokerOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /**
   * How long the group waits for a silent member before giving its partitions to others. A
   * crashed instance's partitions stall this long (a clean stop leaves the group at once).
   * Default 6 s, the broker's minimum (`group.min.session.timeout.ms`); see ADR 0008.
   */
  sessionTimeoutMs?: number;
  /** TLS and SASL (ADR 0010), from `kafkaSecurityFrom(config)`; plaintext when absent. */
  security?: KafkaSecurity;
  /** How often applied offsets are written to Kafka; default the heartbeat interval (ADR 0014). */
  offsetCommitIntervalMs?: number;
}

/**
 * Consumer-group timings for a session timeout: frequent heartbeats and short fetch waits keep it
 * honest. Applied offsets reach Kafka once per heartbeat interval unless told otherwise (ADR 0014).
 */
export function groupTimings(sessionTimeoutMs = 6_000, offsetCommitIntervalMs?: number): GroupTimings {
  const heartbeatIntervalMs = Math.min(1_000, Math.floor(sessionTimeoutMs / 6));
  return {
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxWaitTimeMs: heartbeatIntervalMs,
    offsetCommitIntervalMs: offsetCommitIntervalMs ?? heartbeatIntervalMs,
  };
}

const KAFKA_TO_PINO = {
  [KafkaLogLevel.NOTHING]: 'silent',
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
} as const;

const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** The kafkajs adapter behind the MessageBroker port. */
export class KafkajsBroker implements MessageBroker {
  private readonly kafka: Kafka;
  private readonly kafkaProducer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<RunningConsumer>();
  private producerReady?: Promise<void>;
  private adminReady?: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly options: KafkaBrokerOptions) {
    const log = (this.log = options.logger.child({ component: 'kafkajs' }));
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...kafkajsSecurityOptions(options.security),
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      logLevel: KafkaLogLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
          // The bounded retries below are deliberate: a send that fails is sent again by the outbox
          // relay, and the consumers' inbox drops the duplicate. Warning at every start would teach
          // operators to ignore warnings.
          if (message === BOUNDED_RETRIES_WARNING) return;
          const pinoLevel = KAFKA_TO_PINO[level as keyof typeof KAFKA_TO_PINO] ?? 'info';
          if (pinoLevel !== 'silent') log[pinoLevel](rest, message);
        },
    });
    // Idempotent producer: the broker drops retried duplicates, and acks=all (set per send)
    // means an acknowledged message survives the loss of the leader.
    this.kafkaProducer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // kafkajs retries an idempotent producer's send forever by default; a send must fail in
      // bounded time so its caller (the relay's back-off loop, a shutdown) stays in control.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin({ retry: { retries: 1 } });
  }

  readonly producer = {
    send: async (topic: string, messages: readonly OutgoingMessage[]) => {
      await (this.producerReady ??= this.kafkaProducer.connect());
      await this.kafkaProducer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    },
  };

  /** Returns at once: the member joins its group in the background (`joined`, `state()`). */
  startConsumer(spec: ConsumerSpec): RunningConsumer {
    const member = new KafkajsGroupMember(
      this.kafka,
      { ...spec, handleBatch: spec.handleBatch ?? oneByOne(spec.handle!) },
      groupTimings(this.options.sessionTimeoutMs, this.options.offsetCommitIntervalMs),
      this.log,
      () => this.connectedAdmin(),
    );
    this.consumers.add(member); // stopping twice is harmless: close() stops whatever is left
    return member;
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    await this.connectedAdmin();
    const brokerCount = (await this.admin.describeCluster()).brokers.length;
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    // kafkajs's own waitForLeaders asks whichever broker it likes and fails spuriously on a
    // multi-broker cluster whose metadata has not converged; poll the metadata instead.
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => {
        const replicationFactor = Math.min(t.replicationFactor, brokerCount);
        return {
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) }],
        };
      }),
    });
    const names = missing.map((t) => t.name);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await this.admin
        .fetchTopicMetadata({ topics: names })
        .then(({ topics }) =>
          topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
        )
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async ping(): Promise<void> {
    await (await this.connectedAdmin()).describeCluster();
  }

  private async connectedAdmin(): Promise<Admin> {
    await (this.adminReady ??= this.admin.connect());
    return this.admin;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await Promise.all([this.kafkaProducer.disconnect(), this.admin.disconnect()]);
  }
}

/** A per-message handler as a batch handler: each message is committed once its handler resolved. */
function oneByOne(handle: NonNullable<ConsumerSpec['handle']>): BatchHandler {
  return async (messages, controls) => {
    for (const message of messages) {
      if (!controls.isRunning()) return;
      await handle(message, controls);
      await controls.commit(message);
    }
  };
}
