import type { ServiceName } from '@shopflow/contracts';
import {
  eventually,
  freePort,
  serviceEnv,
  spawnService,
  TcpProxy,
  waitUntilReady,
  type ServiceProcess,
} from '@shopflow/testing';

/** Each service as the separate process it is in production: start-up, probes, shutdown, bad config. */
describe.each(['auth', 'catalog', 'order'] as ServiceName[])('%s service process', (service) => {
  let proc: ServiceProcess | undefined;
  afterEach(async () => {
    await proc?.stop('SIGKILL');
    proc = undefined;
  });

  it('boots, reports ready, serves docs and metrics, and stops cleanly on SIGTERM', async () => {
    proc = spawnService(service, { ...serviceEnv(service), HTTP_PORT: String(await freePort()) });
    await waitUntilReady(proc);

    // Kafka does not gate readiness, so its first ping may still be under way when the probe passes.
    await eventually(async () =>
      expect(await (await fetch(`${proc!.baseUrl}/health/ready`)).json()).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, kafka: { status: 'up', gatesReadiness: false } },
      }),
    );
    if (service !== 'auth') {
      // The consumer joins in the background; once it has, readiness and metrics say what it holds.
      const consumer = await eventually(async () => {
        const { details } = (await (await fetch(`${proc!.baseUrl}/health/ready`)).json()) as {
          details: Record<string, { partitions: Record<string, number[]> }>;
        };
        expect(details.consumer).toMatchObject({
          status: 'up',
          gatesReadiness: false,
          lag: expect.any(Number),
        });
        return details.consumer;
      });
      expect(Object.values(consumer.partitions).flat().length).toBeGreaterThan(0);
      const scraped = await (await fetch(`${proc.baseUrl}/metrics`)).text();
      expect(scraped).toMatch(/^messaging_consumer_joined\{[^}]*\} 1$/m);
      expect(scraped).toMatch(/^messaging_consumer_assigned_partitions\{[^}]*\} [1-9]/m);
    }
    expect((await fetch(`${proc.baseUrl}/health/live`)).status).toBe(200);
    const docs = await fetch(`${proc.baseUrl}/docs-json`);
    expect(((await docs.json()) as { info: { title: string } }).info.title).toBe(`${service} service`);
    const metrics = await (await fetch(`${proc.baseUrl}/metrics`)).text();
    expect(metrics).toContain('process_resident_memory_bytes');
    expect(metrics).toContain('http_request_duration_seconds_bucket');

    const response = await fetch(`${proc.baseUrl}/health/live`, {
      headers: { 'x-correlation-id': `e2e-${service}` },
    });
    expect(response.headers.get('x-correlation-id')).toBe(`e2e-${service}`);

    const stoppedAt = Date.now();
    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const lines = proc.output().trim().split('\n');
    // Every line on stdout is JSON (pino), and the last ones tell the shutdown story.
    expect(lines.every((line) => line.startsWith('{'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(
      expect.arrayContaining(['shutting down', 'stopped']),
    );
  });

  it.each([
    [{ DATABASE_URL: undefined }, 'invalid configuration: DATABASE_URL is required'],
    [
      { KAFKA_BROKERS: 'not a broker list' },
      'invalid configuration: KAFKA_BROKERS is invalid: must be a comma-separated list of host:port',
    ],
    [{ HTTP_PORT: 'eighty' }, 'invalid configuration: HTTP_PORT is invalid'],
    // TLS settings that need each other, and a CA file that cannot be read (ADR 0010).
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      'invalid configuration: KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM',
    ],
    [
      { DATABASE_SSL: 'true', DATABASE_SSL_CA_FILE: '/nonexistent/ca.pem' },
      'invalid configuration: DATABASE_SSL_CA_FILE is invalid: cannot read /nonexistent/ca.pem (ENOENT)',
    ],
  ])('exits 1 with one line naming the bad variable (%o)', async (override, expected) => {
    proc = spawnService(service, { ...serviceEnv(service), ...override });
    expect(await proc.exited).toBe(1);
    const output = proc.output().trim();
    expect(output.split('\n')).toHaveLength(1);
    expect(output.startsWith(expected)).toBe(true);
  });
});

describe('HTTP never waits for Kafka', () => {
  it.each(['catalog', 'order'] as ServiceName[])(
    '%s serves HTTP with no broker reachable; readiness reports the consumer without failing',
    async (service) => {
      const deadBroker = `127.0.0.1:${await freePort()}`;
      const proc = spawnService(service, {
        ...serviceEnv(service),
        KAFKA_BROKERS: deadBroker,
        HTTP_PORT: String(await freePort()),
      });
      try {
        const started = Date.now();
        await waitUntilReady(proc);
        expect(Date.now() - started).toBeLessThan(10_000);
        const response = await fetch(`${proc.baseUrl}/health/ready`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          status: 'ok',
          info: { database: { status: 'up' } },
          error: {
            kafka: { status: 'down', gatesReadiness: false },
            consumer: { status: 'down', gatesReadiness: false },
          },
        });
        const scraped = await (await fetch(`${proc.baseUrl}/metrics`)).text();
        expect(scraped).toMatch(/^messaging_consumer_joined\{[^}]*\} 0$/m);
      } finally {
        await proc.stop('SIGKILL');
      }
    },
  );
});

describe('readiness when the database goes away', () => {
  it('turns 503 naming the database, and recovers when it is back', async () => {
    const url = new URL(serviceEnv('auth').DATABASE_URL);
    const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 3306) });
    url.host = `127.0.0.1:${proxy.port}`;
    const proc = spawnService('auth', {
      ...serviceEnv('auth'),
      DATABASE_URL: url.toString(),
      HTTP_PORT: String(await freePort()),
    });
    try {
      await waitUntilReady(proc);
      await proxy.cut();
      await eventually(async () => {
        const response = await fetch(`${proc.baseUrl}/health/ready`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({
          status: 'error',
          info: { kafka: { status: 'up', gatesReadiness: false } },
          error: { database: { status: 'down' } },
        });
      });
      expect((await fetch(`${proc.baseUrl}/health/live`)).status).toBe(200);
      await proxy.restore();
      await waitUntilReady(proc);
    } finally {
      await proc.stop('SIGKILL');
      await proxy.cut();
    }
  });
});
