/**
 * The messaging port. Services and the outbox/inbox code speak only this; the kafkajs adapter is
 * the single place that knows the client library, so it can be swapped without touching services.
 */
import type { LagSample } from './consumer-lag';

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
  fromBeginning?: boolean;
  /** Partitions handled in parallel (order holds within each partition). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Called for one message at a time per partition. The offset is committed only after it
   * resolves, so a crash mid-handler means redelivery, never loss. A rejection makes the client
   * fetch the message again (after its own back-off); nothing is committed past it.
   */
  handle?(message: ReceivedMessage, controls: { heartbeat(): Promise<void> }): Promise<void>;
  /**
   * Alternative to `handle`: the messages fetched for one partition, in order. The handler calls
   * `commit(m)` once everything up to `m` is durably handled; nothing after the last commit is
   * considered consumed. Lets a consumer apply many messages in one database transaction. The
   * adapter may write the offsets to the broker once per batch rather than per call, so a crash
   * can redeliver messages that were committed here: handlers must be idempotent (the inbox).
   */
  handleBatch?(messages: readonly ReceivedMessage[], controls: BatchControls): Promise<void>;
  /** With `handleBatch`: told after each fetched batch how far this partition is behind. */
  onLag?(sample: LagSample): void;
}

export interface BatchControls {
  heartbeat(): Promise<void>;
  commit(upTo: ReceivedMessage): Promise<void>;
  /** False once the consumer is stopping or the batch is stale after a rebalance: stop early. */
  isRunning(): boolean;
}

export interface RunningConsumer {
  /** Finishes the message in hand, commits, and leaves the consumer group. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export interface MessageBroker {
  readonly producer: MessageProducer;
  startConsumer(spec: ConsumerSpec): Promise<RunningConsumer>;
  /** Creates missing topics (idempotent). Replication is capped at the number of brokers. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Rejects when no broker answers. */
  ping(): Promise<void>;
  /** Stops every consumer, then the producer and admin connections. */
  close(): Promise<void>;
}

export const MESSAGE_BROKER = Symbol('MESSAGE_BROKER');
