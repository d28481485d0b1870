import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { HealthIndicator, Logger } from '@shopflow/platform/observability';
import { KafkajsBroker } from './kafkajs.broker';
import { MESSAGE_BROKER, type MessageBroker } from './message-broker.port';

export interface MessagingOptions {
  brokers: readonly string[];
  clientId: string;
  logger: Logger;
}

@Injectable()
export class KafkaHealthIndicator implements HealthIndicator {
  readonly name = 'kafka';
  constructor(@Inject(MESSAGE_BROKER) private readonly broker: MessageBroker) {}

  check(): Promise<void> {
    return this.broker.ping();
  }
}

@Injectable()
class BrokerCloser implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BROKER) private readonly broker: MessageBroker) {}

  onApplicationShutdown(): Promise<void> {
    return this.broker.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGE_BROKER, useFactory: () => new KafkajsBroker(options) },
        BrokerCloser,
        KafkaHealthIndicator,
      ],
      exports: [MESSAGE_BROKER, KafkaHealthIndicator],
    };
  }
}
