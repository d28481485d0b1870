import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  headersOf,
  EventEnvelopeSchema,
  type EventData,
  type EventDefinition,
  type EventEnvelope,
  type ServiceName,
} from '@shopflow/contracts';
import { envelopeOf } from './event-envelope';
import { eventually, type EventuallyOptions } from './eventually';
import { kafkaBrokers } from './test-env';

/**
 * Reads topics on the real broker from the beginning, in a consumer group of its own, and keeps
 * every event envelope, so a test can wait for what a service published. Tests filter by the ids
 * they created, so events of earlier tests or runs on the same topic do not disturb them.
 * It speaks kafkajs directly: a test tool that stands outside the services' messaging code.
 */
export class EventTap {
  private constructor(
    private readonly consumer: Consumer,
    private readonly seen: EventEnvelope[],
  ) {}

  static async start(topics: readonly string[]): Promise<EventTap> {
    const consumer = kafka('tap').consumer({ groupId: `tap-${randomUUID()}` });
    const seen: EventEnvelope[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        const parsed = EventEnvelopeSchema.safeParse(JSON.parse(String(message.value)));
        if (parsed.success) seen.push(parsed.data);
      },
    });
    return new EventTap(consumer, seen);
  }

  /** Every event seen so far of the given contract (and matching `where`), in arrival order. */
  events<D extends EventDefinition>(
    definition: D,
    where: (data: EventData<D>) => boolean = () => true,
  ): EventEnvelope<EventData<D>>[] {
    return (this.seen as EventEnvelope<EventData<D>>[]).filter(
      (e) => e.type === definition.type && e.version === definition.version && where(e.data),
    );
  }

  /** Waits (with a deadline) until `count` matching events have arrived, and returns them. */
  waitFor<D extends EventDefinition>(
    definition: D,
    where: (data: EventData<D>) => boolean,
    { count = 1, ...options }: EventuallyOptions & { count?: number } = {},
  ): Promise<EventEnvelope<EventData<D>>[]> {
    return eventually(() => {
      const found = this.events(definition, where);
      if (found.length < count)
        throw new Error(`waiting for ${count} ${definition.type} event(s), seen ${found.length}`);
      return found;
    }, options);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/**
 * Publishes an event as another service would (straight to Kafka, without an outbox), and returns
 * its envelope, which `resend` can deliver again to test redelivery.
 */
export class EventPublisher {
  private connected?: Promise<void>;

  private constructor(private readonly producer: Producer) {}

  static create(): EventPublisher {
    return new EventPublisher(kafka('publisher').producer({ idempotent: true }));
  }

  async publish<D extends EventDefinition>(
    definition: D,
    data: EventData<D>,
    producer: ServiceName,
  ): Promise<EventEnvelope<EventData<D>>> {
    const envelope = envelopeOf(definition, data, producer);
    await this.resend(definition.topic, envelope);
    return envelope;
  }

  async resend(topic: string, envelope: EventEnvelope): Promise<void> {
    await (this.connected ??= this.producer.connect());
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: envelope.key,
          value: JSON.stringify(envelope),
          headers: headersOf(envelope),
        },
      ],
    });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

function kafka(role: string): Kafka {
  return new Kafka({
    brokers: kafkaBrokers(),
    clientId: `${role}-${randomUUID()}`,
    logLevel: logLevel.ERROR,
  });
}
