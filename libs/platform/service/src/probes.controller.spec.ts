import { Global, Injectable, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@shopflow/platform/observability';
import { captureLogger } from '@shopflow/testing';
import { PlatformModule } from './platform.module';
import { createServiceApp } from './service-app';

const up = { database: true, kafka: true };

@Injectable()
class FakeDatabase implements ReadinessIndicator {
  readonly key = 'database';
  constructor(private readonly health: HealthIndicatorService) {}
  async isHealthy(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(this.key);
    return up.database ? indicator.up() : indicator.down('connection refused');
  }
}

@Injectable()
class FakeKafka implements ReadinessIndicator {
  readonly key = 'kafka';
  readonly gatesReadiness = false;
  constructor(private readonly health: HealthIndicatorService) {}
  async isHealthy(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(this.key);
    return up.kafka ? indicator.up({ brokers: 1 }) : indicator.down('no broker');
  }
}

@Global()
@Module({ providers: [FakeDatabase, FakeKafka], exports: [FakeDatabase, FakeKafka] })
class FakeDependencies {}

@Module({
  imports: [
    FakeDependencies,
    PlatformModule.forRoot({ service: 'probed', healthIndicators: [FakeDatabase, FakeKafka] }),
  ],
})
class ProbedModule {}

describe('probes (terminus)', () => {
  let app: NestFastifyApplication;
  const logs = captureLogger('probed');
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    app = await createServiceApp({ service: 'probed', module: ProbedModule, logger: logs.logger });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  afterEach(() => Object.assign(up, { database: true, kafka: true }));

  it('is ready with every dependency up, in terminus’s shape, and says so to the scraper', async () => {
    const res = await get('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/no-store/);
    const kafka = { status: 'up', brokers: 1, gatesReadiness: false };
    expect(res.json()).toEqual({
      status: 'ok',
      info: { database: { status: 'up' }, kafka },
      error: {},
      details: { database: { status: 'up' }, kafka },
    });
    expect((await get('/metrics')).body).toMatch(/^service_ready\{service="probed"\} 1$/m);
  });

  it('answers 503 naming the database when it is down, logs it as JSON, and stays live', async () => {
    up.database = false;
    const res = await get('/health/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'error',
      info: { kafka: { status: 'up' } },
      error: { database: { status: 'down', message: 'connection refused' } },
    });
    const logged = logs.lines().map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: expect.stringMatching(/Health Check has failed!.*database/),
      }),
    );
    expect((await get('/metrics')).body).toMatch(/^service_ready\{service="probed"\} 0$/m);

    const live = await get('/health/live');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('reports a broker outage without leaving the load balancer (ADR 0008)', async () => {
    up.kafka = false;
    const before = logs.lines().length;
    const res = await get('/health/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      info: { database: { status: 'up' } },
      error: { kafka: { status: 'down', message: 'no broker', gatesReadiness: false } },
      details: {
        database: { status: 'up' },
        kafka: { status: 'down', message: 'no broker', gatesReadiness: false },
      },
    });
    expect(logs.lines().slice(before)).toEqual([]);
  });
});
