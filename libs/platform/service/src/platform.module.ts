import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_INDICATORS, Metrics, type ReadinessIndicator } from '@shopflow/platform/observability';
import { ProbesController } from './probes.controller';

export interface PlatformModuleOptions {
  service: string;
  /** Providers (exported by global modules such as DatabaseModule) that readiness depends on. */
  healthIndicators: Type<ReadinessIndicator>[];
}

/**
 * What every service has: metrics registry, probes and the /metrics endpoint. Terminus is exported
 * to the whole app, so any module's health indicator can use `HealthIndicatorService` and
 * terminus's own indicators (e.g. `TypeOrmHealthIndicator`).
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot({ service, healthIndicators }: PlatformModuleOptions): DynamicModule {
    const terminus = TerminusModule.forRoot({
      // Nest's Logger, i.e. the app's pino logger (createServiceApp): a failing readiness check is
      // logged as one JSON line naming the checks that are down.
      logger: true,
      errorLogStyle: 'json',
    });
    return {
      module: PlatformModule,
      imports: [terminus],
      controllers: [ProbesController],
      providers: [
        { provide: Metrics, useValue: new Metrics(service) },
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: ReadinessIndicator[]) => indicators,
          inject: healthIndicators,
        },
      ],
      exports: [Metrics, terminus],
    };
  }
}
