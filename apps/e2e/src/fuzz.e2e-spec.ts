import { randomUUID } from 'node:crypto';
import {
  databaseFingerprint,
  eventually,
  fuzzCases,
  fuzzProblem,
  IsolatedInfra,
  kafkaBrokers,
  sendFuzzCases,
  ShopflowStack,
  type FuzzCase,
  type OpenApiDocument,
} from '@shopflow/testing';

const SERVICES = ['auth', 'catalog', 'order'] as const;
type Service = (typeof SERVICES)[number];

/**
 * Hostile input against the three real services, generated from their own OpenAPI documents: every
 * operation gets malformed JSON, wrong types, overflowing numbers, huge and invalid-Unicode strings,
 * odd ids, repeated and bracketed query parameters, hostile headers and wrong content types, each
 * with a caller allowed past authentication. Nothing may answer 5xx or hang, every 4xx is
 * problem+json, and the databases are bit-for-bit what they were before.
 */
describe('fuzzing every operation from its OpenAPI document', () => {
  jest.setTimeout(240_000);
  let stack: ShopflowStack;

  let infra: IsolatedInfra;

  // Schemas of its own: other suites leave PENDING orders behind, and a stack's timeout sweep
  // settling them would change the data this suite compares.
  beforeAll(async () => {
    infra = await IsolatedInfra.onBroker(kafkaBrokers(), 'fuzz');
    stack = await ShopflowStack.start({ infra });
  });
  afterAll(async () => {
    await stack?.stop();
    await infra?.destroy();
  });

  const fingerprint = () => Promise.all(SERVICES.map((s) => databaseFingerprint(infra.databaseUrl(s))));
  /** Catalog's and order's consumers are joined, and none reports a partition behind (as of its last batch). */
  const consumersCaughtUp = async () => {
    for (const service of ['catalog', 'order'] as const) {
      const ready = (await (await fetch(`${stack.baseUrl(service)}/health/ready`)).json()) as {
        details: Record<string, unknown>;
      };
      expect({ service, consumer: ready.details['consumer'] }).toMatchObject({
        service,
        consumer: { status: 'up', lag: 0 },
      });
    }
  };

  it('answers no request with a 5xx or not at all, every 4xx with problem+json, and changes nothing', async () => {
    const admin = `Bearer ${await stack.adminAccess()}`;
    const customer = await stack.customer('Fuzz');
    const product = await stack.product(5);
    const documents = await Promise.all(
      SERVICES.map(async (service) => {
        const response = await fetch(`${stack.baseUrl(service)}/docs-json`);
        return [service, (await response.json()) as OpenApiDocument] as const;
      }),
    );
    const owner = new Map<FuzzCase, Service>();
    const cases = documents.flatMap(([service, document]) => {
      const generated = fuzzCases(document, {
        readIds: service === 'catalog' ? { id: product.id } : service === 'auth' ? { id: customer.id } : {},
        authorization: (path) => (path.startsWith('/v1/orders') ? `Bearer ${customer.token}` : admin),
        // Valid, yet they change nothing: their targets do not exist (404) or the product is unknown (422).
        harmlessBodies: {
          'POST /v1/orders': { lines: [{ productId: randomUUID(), quantity: 1 }] },
          'PATCH /v1/products/{id}': { name: 'fuzz' },
          'POST /v1/products/{id}/stock-adjustments': { delta: 1, reason: 'fuzz' },
          'PATCH /v1/users/{id}': { roles: ['customer'] },
        },
      });
      for (const fuzzCase of generated) owner.set(fuzzCase, service);
      return generated;
    });
    const operations = new Set(cases.map((c) => `${c.method} ${c.operation}`));
    expect(operations.size).toBeGreaterThanOrEqual(15);
    // The headers operations read are fuzzed because their documents declare them.
    for (const header of ['if-match', 'idempotency-key'])
      expect(cases.filter((c) => c.label.includes(`header ${header}:`)).length).toBeGreaterThan(0);

    // The events of the set-up (a user, a product) settle first: then nothing should move. A
    // consumer that has not joined yet would apply them (and whatever its group left) later.
    let last: unknown;
    await eventually(
      async () => {
        await consumersCaughtUp();
        const now = await fingerprint();
        const settled = JSON.stringify(now) === JSON.stringify(last);
        last = now;
        expect(settled).toBe(true);
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const before = last;

    const outcomes = await sendFuzzCases((c) => stack.baseUrl(owner.get(c)!), cases);
    const problems = outcomes.map(fuzzProblem).filter(Boolean);
    const fiveHundreds = outcomes.filter((o) => o.status >= 500).length;
    process.stdout.write(
      `fuzz: ${outcomes.length} requests to ${operations.size} operations; ${fiveHundreds} 5xx, ${problems.length} problems\n`,
    );
    expect(problems).toEqual([]);
    // The handlers themselves met the hostile headers: each refused some with its own field.
    for (const header of ['If-Match', 'Idempotency-Key'])
      expect(outcomes.some((o) => o.status === 400 && o.body.includes(`"field":"${header}"`))).toBe(true);
    expect(await fingerprint()).toEqual(before);
  });
});
