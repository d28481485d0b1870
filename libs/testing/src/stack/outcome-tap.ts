import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { EVENT_HEADERS, TOPICS } from '@shopflow/contracts';

export type FinalState = 'CONFIRMED' | 'REJECTED';
export interface Outcome {
  state: FinalState;
  /** performance.now() when the final event reached the tap. */
  at: number;
}

/**
 * Learns each order's final state from OrderConfirmed / OrderRejected on order.events, in a
 * consumer group of its own: no polling load on the order service. The latency it yields includes
 * this consumer's delivery (one more Kafka hop than the service's own commit).
 */
export class OutcomeTap {
  private readonly arrived = new Map<string, Outcome>();
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();
  private readonly consumer: Consumer;
  private started = false;

  constructor(
    brokers: string[],
    /** How long outcome() waits before it answers null: longer than the saga's own deadline. */
    private readonly timeoutMs = 40_000,
  ) {
    const kafka = new Kafka({ brokers, clientId: 'outcome-tap', logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `outcome-tap-${randomUUID()}` });
  }

  /** Idempotent. Call once the services created their topics; resolves when the tap has joined. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    // From the beginning, so nothing published between the group join and the first fetch is
    // missed; order ids nobody waits for are only remembered.
    await this.consumer.subscribe({ topics: [TOPICS.orderEvents.name], fromBeginning: true });
    await this.consumer.run({
      // A throwaway group read from the beginning: committed offsets would only cost requests.
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        const at = performance.now();
        for (const message of batch.messages) this.receive(message, at);
      },
    });
    await joined;
  }

  private receive(message: KafkaMessage, at: number): void {
    const type = message.headers?.[EVENT_HEADERS.type]?.toString();
    const state = type === 'OrderConfirmed' ? 'CONFIRMED' : type === 'OrderRejected' ? 'REJECTED' : null;
    const orderId = message.key?.toString();
    if (!state || !orderId) return;
    const outcome = { state, at } as const;
    const resolve = this.waiting.get(orderId);
    if (resolve) {
      this.waiting.delete(orderId);
      resolve(outcome);
    } else this.arrived.set(orderId, outcome);
  }

  /** The order's final state, or null when none came within the timeout. */
  outcome(orderId: string): Promise<Outcome | null> {
    const early = this.arrived.get(orderId);
    if (early) {
      this.arrived.delete(orderId);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        resolve(null);
      }, this.timeoutMs);
      this.waiting.set(orderId, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
