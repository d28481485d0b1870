import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmHealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReadinessIndicator } from '@shopflow/platform/observability';
import { dataSourceOptions, type DatabaseOptions } from './data-source.factory';

/**
 * Below the probes' 2 s `timeoutSeconds` (deploy/k8s), so a slow database is answered as a 503
 * naming it rather than as a probe the kubelet gave up on.
 */
const PING_TIMEOUT_MS = 1_500;

/** Readiness gates on the database: every HTTP request needs it (ADR 0008). */
@Injectable()
export class DatabaseHealthIndicator implements ReadinessIndicator {
  readonly key = 'database';
  constructor(
    private readonly typeOrm: TypeOrmHealthIndicator,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  isHealthy(): Promise<HealthIndicatorResult> {
    return this.typeOrm.pingCheck(this.key, { connection: this.dataSource, timeout: PING_TIMEOUT_MS });
  }
}

/**
 * The service's DataSource, from `TypeOrmModule` (so `DataSource`, `EntityManager` and
 * `@InjectRepository` inject the Nest way) with the options of `dataSourceOptions`. Needs the
 * global `PlatformModule` (terminus) for its health indicator.
 *
 * TypeOrmModule destroys the DataSource in `onApplicationShutdown`, after everything that uses it
 * has stopped: the consumer (onModuleDestroy), the outbox relay (beforeApplicationShutdown), then
 * the HTTP server's in-flight requests (Nest closes it between the two phases).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options),
          // As before TypeOrmModule: a database that does not answer at start stops the process
          // with its error (exit 1) and the orchestrator restarts it; TypeOrmModule would otherwise
          // retry 9 times 3 s apart, logging each, with the HTTP port closed all the while.
          toRetry: () => false,
          // Entities a module lists with `TypeOrmModule.forFeature` join those given here.
          autoLoadEntities: true,
        }),
      ],
      providers: [DatabaseHealthIndicator],
      exports: [DatabaseHealthIndicator],
    };
  }
}
