import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ServiceName } from '@shopflow/contracts';
import {
  eventually,
  exposedMetrics,
  freePort,
  observabilityQueries,
  ShopflowStack,
  unknownMetricProblems,
} from '@shopflow/testing';

const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];

/**
 * The dashboards and alert rules against what the three real services expose on /metrics after
 * some traffic: a query of a metric nobody exposes would be an empty panel or an alert that
 * never fires.
 */
describe('observability, end to end', () => {
  jest.setTimeout(180_000);
  let stack: ShopflowStack;

  beforeAll(async () => {
    stack = await ShopflowStack.start();
  });
  afterAll(() => stack?.stop());

  it('every dashboard and alert rule reads metrics the services really expose', async () => {
    const product = await stack.product(1);
    const ada = await stack.customer('Ada');
    const confirmed = await stack.placeOrder(ada.token, [{ productId: product.id, quantity: 1 }]);
    await stack.orderIn(confirmed.id, ada.token, ['CONFIRMED']);
    const rejected = await stack.placeOrder(ada.token, [{ productId: product.id, quantity: 5 }]);
    await stack.orderIn(rejected.id, ada.token, ['REJECTED']);

    const scrapes = Object.fromEntries(
      await Promise.all(SERVICES.map(async (service) => [service, await stack.metrics(service)] as const)),
    ) as Record<ServiceName, string>;
    const exposed = new Set(SERVICES.flatMap((service) => [...exposedMetrics(scrapes[service])]));
    expect(unknownMetricProblems(observabilityQueries(), exposed)).toEqual([]);

    // The saga dashboard's rejections by reason and the consumers' lag carry real values.
    await eventually(async () =>
      expect(await stack.metrics('order')).toMatch(
        /^order_rejections_total\{reason="INSUFFICIENT_STOCK",service="order"\} 1$/m,
      ),
    );
    expect(scrapes.catalog).toMatch(
      /^messaging_consumer_lag\{topic="order\.events",partition="\d+",group="[^"]+",service="catalog"\} \d+$/m,
    );
    expect(scrapes.order).toMatch(/^service_ready\{service="order"\} 1$/m);
  });

  it('the load generator registers, browses, places and cancels orders, and counts them on /metrics', async () => {
    const port = await freePort();
    const loadgen = spawn(process.execPath, [join(__dirname, '../../../dist/apps/loadgen/main.js')], {
      env: {
        PATH: process.env['PATH'],
        LOADGEN_AUTH_URL: stack.baseUrl('auth'),
        LOADGEN_CATALOG_URL: stack.baseUrl('catalog'),
        LOADGEN_ORDER_URL: stack.baseUrl('order'),
        LOADGEN_ADMIN_EMAIL: stack.admin.email,
        LOADGEN_ADMIN_PASSWORD: stack.admin.password,
        LOADGEN_RATE: '40',
        LOADGEN_CUSTOMERS: '3',
        LOADGEN_CANCEL_RATIO: '0.5',
        LOADGEN_METRICS_PORT: String(port),
        LOADGEN_QUIET: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    loadgen.stdout.on('data', (d) => (output += d));
    loadgen.stderr.on('data', (d) => (output += d));
    const count = (text: string, action: string, outcome: string) =>
      Number(
        new RegExp(
          `^loadgen_actions_total\\{action="${action}",outcome="${outcome}",service="loadgen"\\} (\\d+)$`,
          'm',
        ).exec(text)?.[1] ?? 0,
      );
    try {
      const text = await eventually(
        async () => {
          if (loadgen.exitCode !== null) throw new Error(`loadgen exited ${loadgen.exitCode}: ${output}`);
          const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          for (const action of ['register', 'browse', 'place', 'cancel'])
            expect(count(scraped, action, 'ok')).toBeGreaterThan(0);
          return scraped;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(count(text, 'browse', 'error')).toBe(0);
      expect(text).toContain('# TYPE loadgen_action_duration_seconds histogram');
    } finally {
      loadgen.kill('SIGTERM');
      await new Promise((resolve) =>
        loadgen.exitCode !== null ? resolve(null) : loadgen.once('exit', resolve),
      );
    }
    expect(loadgen.exitCode).toBe(0);
  });
});
