import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaHealthIndicator, MessagingModule } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { DatabaseHealthIndicator, DatabaseModule } from '@shopflow/platform/persistence';
import { PlatformModule } from '@shopflow/platform/service';
import type { OrderConfig } from './config/order.config';

@Module({})
export class AppModule {
  static register(config: OrderConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          healthIndicators: [DatabaseHealthIndicator, KafkaHealthIndicator],
        }),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        MessagingModule.forRoot({
          service: 'order',
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'order',
          logger,
        }),
      ],
    };
  }
}
