import type { AddressInfo } from 'node:net';
import { Body, ConflictException, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsInt, Max, Min } from 'class-validator';
import { captureLogger } from '@shopflow/testing';
import { PlatformModule } from './platform.module';
import { domainError } from './domain-error';
import { createServiceApp } from './service-app';

class CreateThingDto {
  @ApiProperty() @IsEmail() email: string;
  @ApiProperty() @IsInt() @Min(1) @Max(10) quantity: number;
}

const ThingTaken = domainError('conflict', 'THING.TAKEN', () => 'That thing is taken.');
const ThingBusy = domainError('rate-limited', 'THING.BUSY', (retryAfterSeconds: number) => [
  'Slow down.',
  { retryAfterSeconds },
]);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const slowGate = { started: deferred(), release: deferred() };

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() dto: CreateThingDto) {
    return dto;
  }
  @Get('taken')
  taken() {
    throw new ThingTaken();
  }
  @Get('busy')
  busy() {
    throw new ThingBusy(42);
  }
  @Get('conflict')
  conflict() {
    throw new ConflictException('version mismatch');
  }
  @Get('boom')
  boom() {
    throw new Error('secret internal detail at /srv/db.ts:42');
  }
  @Get('slow')
  async slow() {
    slowGate.started.resolve();
    await slowGate.release.promise;
    return { done: true };
  }
  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

@Module({
  imports: [PlatformModule.forRoot({ service: 'things', healthIndicators: [] })],
  controllers: [ThingsController],
})
class ThingsModule {}

describe('service app', () => {
  let app: NestFastifyApplication;
  const logs = captureLogger('things');

  beforeAll(async () => {
    app = await createServiceApp({ service: 'things', module: ThingsModule, logger: logs.logger });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const inject = (options: Parameters<NestFastifyApplication['inject']>[0]) => app.inject(options);

  it('answers a validation failure with 400 problem+json listing the failing fields', async () => {
    const res = await inject({
      method: 'POST',
      url: '/things',
      payload: { email: 'nope', quantity: 99, extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      instance: '/things',
    });
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'extra', 'quantity']);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('answers a coded conflict with 409 and its code', async () => {
    const res = await inject({ method: 'GET', url: '/things/taken' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409, code: 'THING.TAKEN', detail: 'That thing is taken.' });
    expect((await inject({ method: 'GET', url: '/things/conflict' })).json()).toMatchObject({
      status: 409,
      detail: 'version mismatch',
    });
  });

  it('sends the headers a problem carries (Retry-After on a 429)', async () => {
    const res = await inject({ method: 'GET', url: '/things/busy' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    expect(res.json()).toMatchObject({ status: 429, code: 'THING.BUSY' });
  });

  it('answers an unexpected error with 500 and no internals, and logs it', async () => {
    const res = await inject({
      method: 'GET',
      url: '/things/boom',
      headers: { 'x-correlation-id': 'boom-1' },
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('at ');
    expect(res.json()).toMatchObject({
      status: 500,
      detail: 'An unexpected error occurred.',
      correlationId: 'boom-1',
    });
    const logged = logs.lines().find((l) => l.includes('secret internal detail'));
    expect(logged && JSON.parse(logged)).toMatchObject({ level: 'error', correlationId: 'boom-1' });
  });

  it('echoes a caller correlation id and generates one otherwise', async () => {
    const given = await inject({
      method: 'GET',
      url: '/things/1',
      headers: { 'x-correlation-id': 'abc-123' },
    });
    expect(given.headers['x-correlation-id']).toBe('abc-123');
    const generated = await inject({ method: 'GET', url: '/things/1' });
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await inject({
      method: 'GET',
      url: '/things/1',
      headers: { 'x-correlation-id': 'x'.repeat(500) },
    });
    expect(unsafe.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const line = logs.lines().find((l) => l.includes('"abc-123"') && l.includes('request completed'));
    expect(line && JSON.parse(line)).toMatchObject({
      correlationId: 'abc-123',
      route: '/things/:id',
      statusCode: 200,
    });
  });

  it('exposes process metrics and a request histogram labelled by route template', async () => {
    await inject({ method: 'GET', url: '/things/42' });
    const res = await inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('process_cpu_seconds_total');
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{service="things",method="GET",route="\/things\/:id",status_code="200"\} \d+/,
    );
    expect(res.body).not.toContain('route="/things/42"');
  });

  it('serves liveness, and readiness with its checks', async () => {
    const empty = { status: 'ok', info: {}, error: {}, details: {} };
    expect((await inject({ method: 'GET', url: '/health/live' })).json()).toEqual(empty);
    expect((await inject({ method: 'GET', url: '/health/ready' })).json()).toEqual(empty);
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const json = await inject({ method: 'GET', url: '/docs-json' });
    expect(json.json().paths['/things'].post).toBeDefined();
    expect(json.json().paths['/health/live']).toBeUndefined();
    const ui = await inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});

describe('service app shutdown', () => {
  it('finishes an in-flight request before closing', async () => {
    const app = await createServiceApp({
      service: 'things',
      module: ThingsModule,
      logger: captureLogger().logger,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const inFlight = fetch(`http://127.0.0.1:${port}/things/slow`);
    await slowGate.started.promise;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    // Give close() every chance to finish early; it must not while the request is in flight.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    slowGate.release.resolve();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
