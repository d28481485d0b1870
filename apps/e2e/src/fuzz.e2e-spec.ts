import {
  databaseFingerprint,
  databaseUrl,
  eventually,
  fuzzCases,
  fuzzProblem,
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

  beforeAll(async () => {
    stack = await ShopflowStack.start();
  });
  afterAll(() => stack?.stop());

  const fingerprint = () => Promise.all(SERVICES.map((s) => databaseFingerprint(databaseUrl(s))));

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
      });
      for (const fuzzCase of generated) owner.set(fuzzCase, service);
      return generated;
    });
    const operations = new Set(cases.map((c) => `${c.method} ${c.operation}`));
    expect(operations.size).toBeGreaterThanOrEqual(15);
    // The headers operations read are fuzzed because their documents declare them.
    for (const header of ['if-match', 'idempotency-key'])
      expect(cases.filter((c) => c.label.includes(`header ${header}:`)).length).toBeGreaterThan(0);

    // The events of the set-up (a user, a product) settle first: then nothing should move.
    let last: unknown;
    await eventually(
      async () => {
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
    expect(await fingerprint()).toEqual(before);
  });
});
