import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@shopflow/contracts';
import { databaseTlsFrom, kafkaSecurityFrom } from '@shopflow/platform/config';
import { ConsumerHealthIndicator, KafkaHealthIndicator, MessagingModule } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { DatabaseHealthIndicator, DatabaseModule } from '@shopflow/platform/persistence';
import { SecurityModule } from '@shopflow/platform/security';
import { PlatformModule } from '@shopflow/platform/service';
import type { OrderConfig } from './config/order.config';
import { OrderIntake } from './orders/order-intake';
import { OrderReader } from './orders/order.reader';
import { OrderTransitions } from './orders/order-transitions';
import { OrdersController } from './orders/orders.controller';
import { OrderPolicy } from './orders/order-policy';
import { OrdersService } from './orders/orders.service';
import { OrderSagaEventsController } from './saga/order-saga.events.controller';
import { OrderTimeoutOptions, OrderTimeouts } from './saga/order-timeouts';
import { SagaMetrics } from './saga/saga-metrics';
import { CatalogAndCustomerViewsEventsController } from './views/catalog-and-customer-views.events.controller';

@Module({})
export class AppModule {
  static register(config: OrderConfig, logger: Logger): DynamicModule {
    const group = CONSUMER_GROUPS.order;
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          healthIndicators: [DatabaseHealthIndicator, KafkaHealthIndicator, ConsumerHealthIndicator],
        }),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          tls: databaseTlsFrom(config),
        }),
        MessagingModule.forRoot({
          service: 'order',
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFrom(config),
          clientId: config.KAFKA_CLIENT_ID ?? 'order',
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          logger,
          consumer: { groupId: group.groupId, topics: group.topics, deadLetterTopic: group.deadLetterTopic },
        }),
        SecurityModule.forRoot({
          jwksUrl: config.JWT_JWKS_URL,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        }),
      ],
      controllers: [OrdersController, OrderSagaEventsController, CatalogAndCustomerViewsEventsController],
      providers: [
        { provide: OrderPolicy, useValue: new OrderPolicy(config.ORDER_PENDING_TIMEOUT_MS) },
        {
          provide: OrderTimeoutOptions,
          useValue: new OrderTimeoutOptions(config.ORDER_TIMEOUT_SWEEP_INTERVAL_MS),
        },
        OrderIntake,
        OrderReader,
        OrderTransitions,
        OrdersService,
        SagaMetrics,
        OrderTimeouts,
      ],
    };
  }
}
