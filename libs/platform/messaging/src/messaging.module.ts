import {
  Global,
  Inject,
  Injectable,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ServiceName } from '@shopflow/contracts';
import type { KafkaSecurity } from '@shopflow/platform/config';
import { Metrics, type Logger } from '@shopflow/platform/observability';
import { EventConsumer, type EventConsumerOptions } from './event-consumer';
import { EventTransport } from './event-transport';
import { ConsumerHealthIndicator, KafkaHealthIndicator } from './messaging-health';
import { KafkajsBroker } from './kafkajs.broker';
import { MESSAGE_BROKER, type MessageBroker } from './message-broker.port';
import { Outbox } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { UnitOfWork } from './unit-of-work';

export interface MessagingOptions {
  service: ServiceName;
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
  sessionTimeoutMs?: number;
  /** TLS and SASL to the brokers (ADR 0010), from `kafkaSecurityFrom(config)`. */
  security?: KafkaSecurity;
  relay?: Omit<OutboxRelayOptions, 'service'>;
  /** For a service that consumes events; handlers are controller methods declared with `@OnEvent`. */
  consumer?: EventConsumerOptions;
}

/**
 * Start and stop order. Start: the relay on bootstrap; the consumer when `EventTransport` listens
 * (`startAllMicroservices`, after every controller's `@OnEvent` handlers are known). Neither waits
 * for the broker, so the HTTP server opens as soon as the database is reachable. Stop: the consumer
 * leaves its group first (onModuleDestroy, before HTTP drains; Nest would close the transport only
 * after HTTP), the relay stops before shutdown proper, and the broker's connections close last.
 */
@Injectable()
class MessagingLifecycle
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(MESSAGE_BROKER) private readonly broker: MessageBroker,
    private readonly relay: OutboxRelay,
    @Optional() private readonly consumer?: EventConsumer,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const consumerProviders = options.consumer
      ? [
          {
            provide: EventConsumer,
            useFactory: (broker: MessageBroker, uow: UnitOfWork, metrics: Metrics) =>
              new EventConsumer(
                broker,
                uow,
                options.logger.child({ component: 'consumer' }),
                metrics,
                options.consumer!,
              ),
            inject: [MESSAGE_BROKER, UnitOfWork, Metrics],
          },
          {
            provide: EventTransport,
            useFactory: (consumer: EventConsumer) => new EventTransport(consumer),
            inject: [EventConsumer],
          },
        ]
      : [];
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGE_BROKER, useFactory: () => new KafkajsBroker(options) },
        {
          provide: Outbox,
          useFactory: (unitOfWork: UnitOfWork) => new Outbox(options.service, unitOfWork),
          inject: [UnitOfWork],
        },
        {
          provide: OutboxRelay,
          useFactory: (dataSource: DataSource, broker: MessageBroker, metrics: Metrics) =>
            new OutboxRelay(
              dataSource,
              broker.producer,
              options.logger.child({ component: 'outbox-relay' }),
              metrics,
              {
                ...options.relay,
                service: options.service,
              },
            ),
          inject: [DataSource, MESSAGE_BROKER, Metrics],
        },
        {
          provide: UnitOfWork,
          useFactory: (dataSource: DataSource, relay: OutboxRelay) => new UnitOfWork(dataSource, relay),
          inject: [DataSource, OutboxRelay],
        },
        ...consumerProviders,
        MessagingLifecycle,
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
      ],
      exports: [
        MESSAGE_BROKER,
        Outbox,
        UnitOfWork,
        KafkaHealthIndicator,
        ConsumerHealthIndicator,
        ...(options.consumer ? [EventConsumer, EventTransport] : []),
      ],
    };
  }
}
