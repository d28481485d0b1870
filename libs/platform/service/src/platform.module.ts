import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { HEALTH_INDICATORS, Metrics, type HealthIndicator } from '@shopflow/platform/observability';
import { ProbesController } from './probes.controller';

export interface PlatformModuleOptions {
  service: string;
  /** Providers (exported by global modules such as DatabaseModule) that readiness depends on. */
  healthIndicators: Type<HealthIndicator>[];
}

/** What every service has: metrics registry, probes and the /metrics endpoint. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot({ service, healthIndicators }: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [ProbesController],
      providers: [
        { provide: Metrics, useValue: new Metrics(service) },
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: healthIndicators,
        },
      ],
      exports: [Metrics],
    };
  }
}
