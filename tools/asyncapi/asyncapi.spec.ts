import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { ASYNCAPI_FILE, renderAsyncApi } from './generate-asyncapi';

describe('event catalogue (docs/asyncapi.yaml)', () => {
  const committed = readFileSync(ASYNCAPI_FILE, 'utf8');

  it('is up to date with the contracts (run `npm run docs:asyncapi` if not)', () => {
    expect(committed).toBe(renderAsyncApi());
  });

  it('is a valid AsyncAPI 3 document', async () => {
    const { document, diagnostics } = await new Parser().parse(committed);
    const errors = diagnostics
      .filter((d) => d.severity === 0)
      .map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address())
        .sort(),
    ).toEqual(['auth.user-events', 'catalog.product-events', 'catalog.stock-events', 'order.events']);
    expect(document?.messages().all().length).toBe(12);
  });
});
