import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { EVENT_HEADERS, TOPICS } from '@shopflow/contracts';
import { KafkajsBroker, type ReceivedMessage } from '@shopflow/platform/messaging';
import { createLogger } from '@shopflow/platform/observability';

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
  private readonly broker: KafkajsBroker;
  private started = false;

  constructor(
    brokers: string[],
    /** How long outcome() waits before it answers null: longer than the saga's own deadline. */
    private readonly timeoutMs = 40_000,
  ) {
    const logger = createLogger({ service: 'outcome-tap', level: 'error' });
    this.broker = new KafkajsBroker({ brokers, clientId: 'outcome-tap', logger });
  }

  /** Idempotent. Call once the services created their topics. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.broker.startConsumer({
      groupId: `outcome-tap-${randomUUID()}`,
      topics: [TOPICS.orderEvents.name],
      // From the beginning, so nothing published between the group join and the first fetch is
      // missed; order ids nobody waits for are only remembered.
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      handleBatch: async (messages, controls) => {
        const at = performance.now();
        for (const m of messages) this.receive(m, at);
        await controls.commit(messages[messages.length - 1]!);
      },
    }).joined;
  }

  private receive(message: ReceivedMessage, at: number): void {
    const type = message.headers[EVENT_HEADERS.type];
    const state = type === 'OrderConfirmed' ? 'CONFIRMED' : type === 'OrderRejected' ? 'REJECTED' : null;
    if (!state || !message.key) return;
    const outcome = { state, at } as const;
    const resolve = this.waiting.get(message.key);
    if (resolve) {
      this.waiting.delete(message.key);
      resolve(outcome);
    } else this.arrived.set(message.key, outcome);
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
    await this.broker.close();
  }
}
