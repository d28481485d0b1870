import { eventually, ShopflowStack, ZipkinServer, type ZipkinSpan } from '@shopflow/testing';

/**
 * One POST /v1/orders is one trace across the services and the broker, found through the trace
 * backend's HTTP API (the Zipkin that `npm start` runs): the request in order, OrderPlaced created
 * in its transaction, stored with the outbox row, sent by the relay, processed by the catalog,
 * StockReserved back through the catalog's outbox, processed by order, OrderConfirmed.
 */
describe('tracing, end to end', () => {
  jest.setTimeout(300_000);
  let zipkin: ZipkinServer;
  let stack: ShopflowStack;

  beforeAll(async () => {
    zipkin = await ZipkinServer.start();
    const tracing = { TRACING_ZIPKIN_URL: zipkin.spansUrl };
    stack = await ShopflowStack.start({ env: { auth: tracing, catalog: tracing, order: tracing } });
  });
  afterAll(async () => {
    await stack?.stop();
    await zipkin?.stop();
  });

  const tagged = (span: ZipkinSpan, value: string) => Object.values(span.tags ?? {}).includes(value);
  const service = (span: ZipkinSpan) => span.localEndpoint?.serviceName;
  const named = (spans: ZipkinSpan[], name: string, by: string) =>
    spans.filter((s) => s.name === name && service(s) === by);

  it('follows an order from the HTTP request through both services and Kafka in one trace', async () => {
    const product = await stack.product(5);
    const ada = await stack.customer('Ada');
    const placed = await stack.placeOrder(ada.token, [{ productId: product.id, quantity: 1 }]);
    await stack.orderIn(placed.id, ada.token, ['CONFIRMED']);

    // The one accepted POST /v1/orders of this test, once the spans of the whole saga are in.
    const spans = await eventually(
      async () => {
        const traces = await zipkin.traces('order');
        const trace = traces.find((t) =>
          t.some(
            (s) => s.kind === 'SERVER' && service(s) === 'order' && tagged(s, 'POST') && tagged(s, '202'),
          ),
        );
        if (!trace) throw new Error(`no trace of an accepted POST /v1/orders among ${traces.length}`);
        const all = await zipkin.trace(trace[0]!.traceId);
        // Each service exports its spans in its own batches: wait until both services' are in.
        expect(named(all, 'process order.events', 'catalog')).toHaveLength(1);
        expect(named(all, 'send catalog.stock-events', 'catalog')).toHaveLength(1);
        expect(named(all, 'process catalog.stock-events', 'order')).toHaveLength(1);
        expect(named(all, 'create order.events', 'order')).toHaveLength(2);
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    expect(new Set(spans.map(service))).toEqual(new Set(['order', 'catalog']));
    const [created] = named(spans, 'create order.events', 'order');
    const [processed] = named(spans, 'process order.events', 'catalog');
    // The catalog continued the trace from the traceparent the outbox row carried to Kafka.
    expect(processed?.parentId).toBe(created?.id);
    expect(processed?.kind).toBe('CONSUMER');
    // The relay's publish, in both services.
    expect(named(spans, 'send order.events', 'order').length).toBeGreaterThan(0);
    expect(named(spans, 'send catalog.stock-events', 'catalog')).toHaveLength(1);
    // The catalog's answer is processed by order, whose transaction creates OrderConfirmed.
    const [reply] = named(spans, 'create catalog.stock-events', 'catalog');
    expect(named(spans, 'process catalog.stock-events', 'order')[0]?.parentId).toBe(reply?.id);
    const confirmations = named(spans, 'create order.events', 'order');
    expect(confirmations).toHaveLength(2); // OrderPlaced, then OrderConfirmed
    // Database spans of both services, under the request and under the consumers.
    for (const by of ['order', 'catalog'])
      expect(spans.some((s) => service(s) === by && s.kind === 'CLIENT' && tagged(s, 'mysql'))).toBe(true);
  });

  it('does not trace probes or scrapes', async () => {
    await stack.metrics('order');
    const traces = await zipkin.traces('order');
    expect(traces.flat().filter((s) => /health|metrics/.test(JSON.stringify(s.tags ?? {})))).toEqual([]);
  });
});
