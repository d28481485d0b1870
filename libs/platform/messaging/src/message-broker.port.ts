/**
 * The messaging port. Services and the outbox/inbox code speak only this; the kafkajs adapter is
 * the single place that knows the client library, so it can be swapped without touching services.
 */
export type MessageHeaders = Record<string, string>;

export interface OutgoingMessage {
  key: string | null;
  value: Buffer | string | null;
  headers?: MessageHeaders;
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestamp: string;
}

export interface MessageProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
}

export interface ConsumerSpec {
  groupId: string;
  topics: readonly string[];
  /**
   * Where a group without offsets starts. Default true. `false`: at the log end as it is when the
   * member starts, for a member in a group of its own (a broadcast): once it has joined, it reads
   * every message written after its start, and after a rejoin it goes on where it stopped reading.
   */
  fromBeginning?: boolean;
  /** Partitions handled in parallel (order holds within each partition). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Called for one message at a time per partition. Nothing is committed past a message until it
   * resolves, so a crash mid-handler means redelivery, never loss. A rejection makes the client
   * fetch the message again (after its own back-off).
   */
  handle?(message: ReceivedMessage, controls: { heartbeat(): Promise<void> }): Promise<void>;
  /**
   * Alternative to `handle`: the messages fetched for one partition, in order. The handler calls
   * `commit(m)` once everything up to `m` is durably handled; nothing after the last commit is
   * considered consumed. Lets a consumer apply many messages in one database transaction. The
   * adapter may write the offsets to the broker once per batch rather than per call, so a crash
   * can redeliver messages that were committed here: handlers must be idempotent (the inbox).
   */
  handleBatch?: BatchHandler;
}

export type BatchHandler = (messages: readonly ReceivedMessage[], controls: BatchControls) => Promise<void>;

export interface BatchControls {
  heartbeat(): Promise<void>;
  commit(upTo: ReceivedMessage): Promise<void>;
  /** False once the consumer is stopping or the batch is stale after a rebalance: stop early. */
  isRunning(): boolean;
}

export interface RunningConsumer {
  /** Resolves the first time the member has joined its group and holds its partitions. */
  readonly joined: Promise<void>;
  /** Where the member is now: for readiness details, metrics and deadline decisions. */
  state(): ConsumerState;
  /** Finishes the message in hand, commits, and leaves the consumer group. */
  stop(): Promise<void>;
}

export interface ConsumerState {
  status: 'starting' | 'joining' | 'joined' | 'rebalancing' | 'crashed' | 'stopped';
  /** When the status last changed (epoch ms). */
  since: number;
  memberId?: string;
  /** Partitions held, by topic; empty unless joined. */
  assignment: Record<string, number[]>;
  /**
   * Per "topic/partition" since the last join, from the batches handled: messages still behind the
   * log end, and the timestamp of the last one handled (or of the first one waiting).
   */
  progress: Record<string, { lag: number; timestamp: number }>;
  lastError?: string;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export interface MessageBroker {
  readonly producer: MessageProducer;
  /** Returns at once; the member connects and joins in the background, restarting after crashes until stopped. */
  startConsumer(spec: ConsumerSpec): RunningConsumer;
  /** Creates missing topics (idempotent). Replication is capped at the number of brokers. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Rejects when no broker answers. */
  ping(): Promise<void>;
  /** Stops every consumer, then the producer and admin connections. */
  close(): Promise<void>;
}

export const MESSAGE_BROKER = Symbol('MESSAGE_BROKER');
