import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@shopflow/contracts';
import { databaseTlsFrom, kafkaSecurityFrom } from '@shopflow/platform/config';
import { ConsumerHealthIndicator, KafkaHealthIndicator, MessagingModule } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { DatabaseHealthIndicator, DatabaseModule } from '@shopflow/platform/persistence';
import { SecurityModule } from '@shopflow/platform/security';
import { PlatformModule } from '@shopflow/platform/service';
import { readCacheProviders } from './cache/read-cache.provider';
import type { CatalogConfig } from './config/catalog.config';
import { ProductsController } from './products/products.controller';
import { ProductsService } from './products/products.service';
import { StockController } from './stock/stock.controller';
import { StockReservations } from './stock/stock-reservations';
import { StockReservationsEventsController } from './stock/stock-reservations.events.controller';
import { StockService } from './stock/stock.service';

@Module({})
export class AppModule {
  static register(config: CatalogConfig, logger: Logger): DynamicModule {
    const group = CONSUMER_GROUPS.catalog;
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'catalog',
          healthIndicators: [DatabaseHealthIndicator, KafkaHealthIndicator, ConsumerHealthIndicator],
        }),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          tls: databaseTlsFrom(config),
        }),
        MessagingModule.forRoot({
          service: 'catalog',
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFrom(config),
          clientId: config.KAFKA_CLIENT_ID ?? 'catalog',
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
      controllers: [ProductsController, StockController, StockReservationsEventsController],
      providers: [
        ...readCacheProviders(
          {
            redisUrl: config.REDIS_URL,
            ttlMs: config.CATALOG_CACHE_TTL_MS,
            maxEntries: config.CATALOG_CACHE_MAX_ENTRIES,
            replica: config.KAFKA_CLIENT_ID ?? 'catalog',
          },
          logger,
        ),
        ProductsService,
        StockService,
        StockReservations,
      ],
    };
  }
}
