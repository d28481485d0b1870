import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { Logger } from '@shopflow/platform/observability';
import type {
  ConsumerSpec,
  MessageBroker,
  MessageHeaders,
  OutgoingMessage,
  ReceivedMessage,
  RunningConsumer,
  TopicSpec,
} from './message-broker.port';
import { lagAfter } from './consumer-lag';

export interface KafkaBrokerOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  /**
   * How long the group waits for a silent member before giving its partitions to others. A
   * crashed instance's partitions stall this long (a clean stop leaves the group at once).
   */
  sessionTimeoutMs?: number;
}

const KAFKA_TO_PINO = {
  [KafkaLogLevel.NOTHING]: 'silent',
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
} as const;

export function decodeHeaders(headers: IHeaders | undefined): MessageHeaders {
  const decoded: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    decoded[name] = Buffer.isBuffer(single) ? single.toString('utf8') : String(single);
  }
  return decoded;
}

/** The kafkajs adapter behind the MessageBroker port. */
export class KafkajsBroker implements MessageBroker {
  private readonly kafka: Kafka;
  private readonly kafkaProducer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  private producerReady?: Promise<void>;
  private adminReady?: Promise<void>;

  constructor(private readonly options: KafkaBrokerOptions) {
    const log = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      logLevel: KafkaLogLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
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

  async startConsumer(spec: ConsumerSpec): Promise<RunningConsumer> {
    const consumer = this.kafka.consumer({
      groupId: spec.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      allowAutoTopicCreation: false,
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...spec.topics], fromBeginning: spec.fromBeginning ?? true });
    const commit = (topic: string, partition: number, offset: string) =>
      // The committed offset is the next one to read.
      consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
    const toReceived = (topic: string, partition: number, message: KafkaMessage): ReceivedMessage => ({
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value,
      headers: decodeHeaders(message.headers),
      timestamp: message.timestamp,
    });
    const { handle, handleBatch } = spec;
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently ?? 1,
      ...(handleBatch
        ? {
            eachBatchAutoResolve: false,
            eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
              // Progress is marked per chunk and written to Kafka once per fetched batch, even when
              // the batch ends early or fails: one commit request instead of one per chunk. A
              // crash before it means redelivery of already-applied messages, which the inbox
              // turns into no-ops.
              let handledUpTo: string | undefined;
              const commitProgress = () =>
                handledUpTo === undefined ? undefined : commit(batch.topic, batch.partition, handledUpTo);
              try {
                await handleBatch(
                  batch.messages.map((m) => toReceived(batch.topic, batch.partition, m)),
                  {
                    heartbeat,
                    isRunning: () => isRunning() && !isStale(),
                    commit: async (upTo) => {
                      resolveOffset(upTo.offset);
                      handledUpTo = upTo.offset;
                    },
                  },
                );
              } catch (error) {
                await Promise.resolve(commitProgress()).catch(() => undefined);
                throw error;
              } finally {
                const next =
                  handledUpTo === undefined ? batch.firstOffset() : (BigInt(handledUpTo) + 1n).toString();
                if (next !== null)
                  spec.onLag?.({
                    topic: batch.topic,
                    partition: batch.partition,
                    lag: lagAfter(batch.highWatermark, next),
                  });
              }
              await commitProgress();
            },
          }
        : {
            eachMessage: async ({ topic, partition, message, heartbeat }) => {
              await handle!(toReceived(topic, partition, message), { heartbeat });
              // Commit only after the handler (and its database transaction) finished.
              await commit(topic, partition, message.offset);
              await heartbeat();
            },
          }),
    });
    return {
      stop: async () => {
        if (!this.consumers.delete(consumer)) return;
        await consumer.disconnect();
      },
    };
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    await (this.adminReady ??= this.admin.connect());
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
    await (this.adminReady ??= this.admin.connect());
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await Promise.all([this.kafkaProducer.disconnect(), this.admin.disconnect()]);
  }
}
