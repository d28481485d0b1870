import type { ServiceName } from '@shopflow/contracts';
import { eventually, exposedMetrics, observabilityQueries, unknownMetricProblems } from '@shopflow/testing';
import { ShopflowStack } from './support/shopflow-stack';

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
});
