import { createConnection, format, type Connection } from 'mysql2/promise';
import type { ProductSort } from '@shopflow/contracts';
import { runMigrations } from '@shopflow/platform/persistence';
import { createTestSchema, tenThousandProductsSql } from '@shopflow/testing';
import { migrations } from '../migrations';
import { productSearchSql, type ProductSearch } from './product-search';

interface PlanRow {
  table: string;
  type: string;
  key: string | null;
  rows: number;
  Extra: string | null;
}

/**
 * The query plans of the product list, on the real server with 10,000 products: every filter and
 * sort combination reads through an index (never a full scan), and a page sorted by name, price or
 * creation time, with or without a category, is read in index order with no filesort.
 */
describe('product list query plans (real MySQL/MariaDB, 10,000 products)', () => {
  jest.setTimeout(60_000);
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let db: Connection;

  beforeAll(async () => {
    schema = await createTestSchema('catalog_plans');
    await runMigrations({ url: schema.url, poolSize: 1, migrations });
    db = await createConnection(schema.url);
    await db.query(tenThousandProductsSql());
    await db.query('ANALYZE TABLE product');
  });
  afterAll(async () => {
    await db?.end();
    await schema?.drop();
  });

  async function plan(search: Partial<ProductSearch>): Promise<{ page: PlanRow[]; count: PlanRow[] }> {
    const { sql, params, countSql, countParams } = productSearchSql({
      page: 2,
      limit: 20,
      sort: 'name',
      ...search,
    });
    // The server sees the statement with its values, as the service sends it (no prepared statements).
    const explain = async (statement: string, values: unknown[]) =>
      (await db.query(`EXPLAIN ${format(statement, values as string[])}`))[0];
    const [page, count] = [await explain(sql, params), await explain(countSql, countParams)];
    return { page: page as PlanRow[], count: count as PlanRow[] };
  }

  const sorts: ProductSort[] = ['name', '-name', 'priceCents', '-priceCents', 'createdAt', '-createdAt'];
  const filters: [string, Partial<ProductSearch>][] = [
    ['no filter', {}],
    ['category', { category: 'cat-3' }],
    ['price range', { minPriceCents: 1_000, maxPriceCents: 5_000 }],
    ['q', { q: 'Bravo 12' }],
    ['category and price range', { category: 'cat-3', minPriceCents: 1_000, maxPriceCents: 5_000 }],
    ['everything', { category: 'cat-3', minPriceCents: 1_000, maxPriceCents: 90_000, q: 'Delta' }],
  ];

  describe.each(filters)('%s', (_label, filter) => {
    it.each(sorts)('sorted by %s: page and total read through an index', async (sort) => {
      const { page, count } = await plan({ ...filter, sort });
      for (const step of [...page, ...count]) {
        expect({ sort, type: step.type, key: step.key }).toEqual({
          sort,
          type: expect.not.stringMatching(/^ALL$/),
          key: expect.any(String),
        });
      }
    });
  });

  it.each(sorts.flatMap((sort) => [[sort, {}] as const, [sort, { category: 'cat-7' }] as const]))(
    'sorted by %s with %o: read in index order, no filesort',
    async (sort, filter) => {
      const { page } = await plan({ ...filter, sort });
      expect(page[0]!.Extra ?? '').not.toMatch(/filesort/);
    },
  );
});
