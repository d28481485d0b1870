import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { EVENTS, TOPICS } from '@shopflow/contracts';
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
    const channels = document
      ?.channels()
      .all()
      .map((c) => c.address())
      .sort();
    expect(channels).toEqual(
      Object.values(TOPICS)
        .map((t) => t.name)
        .sort(),
    );
    expect(channels).toEqual(
      expect.arrayContaining([
        'auth.user-events',
        'catalog.product-events',
        'catalog.stock-events',
        'order.events',
      ]),
    );
    // Twelve before any generated service (nx g @shopflow/tools:service) adds its own.
    expect(document?.messages().all().length).toBe(EVENTS.length);
    expect(EVENTS.length).toBeGreaterThanOrEqual(12);
  });
});
