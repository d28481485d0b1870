import { productSearchSql } from './product-search';

describe('productSearchSql', () => {
  const base = { page: 1, limit: 20, sort: 'name' as const };

  it('lists only active products, ordered by the sort column then id, one page', () => {
    const { sql, params, countSql, countParams } = productSearchSql({ ...base, page: 3 });
    expect(sql).toMatch(/WHERE status = 'ACTIVE' ORDER BY name ASC, id ASC LIMIT \? OFFSET \?$/);
    expect(params).toEqual([20, 40]);
    expect(countSql).toBe("SELECT COUNT(*) AS total FROM product WHERE status = 'ACTIVE'");
    expect(countParams).toEqual([]);
  });

  it.each([
    ['priceCents', 'price_cents ASC, id ASC'],
    ['-priceCents', 'price_cents DESC, id DESC'],
    ['createdAt', 'created_at ASC, id ASC'],
    ['-name', 'name DESC, id DESC'],
  ] as const)('sorts %s as %s', (sort, order) => {
    expect(productSearchSql({ ...base, sort }).sql).toContain(`ORDER BY ${order} LIMIT`);
  });

  it('binds every filter as a parameter, never into the SQL text', () => {
    const { sql, params, countParams } = productSearchSql({
      ...base,
      category: "books'; DROP TABLE product; --",
      minPriceCents: 100,
      maxPriceCents: 500,
      q: 'ab',
    });
    expect(sql).not.toContain('DROP');
    expect(sql).toContain(
      'category = ? AND price_cents >= ? AND price_cents <= ? AND (name LIKE ? OR sku LIKE ?)',
    );
    expect(countParams).toEqual(["books'; DROP TABLE product; --", 100, 500, 'ab%', 'ab%']);
    expect(params.slice(-2)).toEqual([20, 0]);
  });

  it('treats % and _ in the search text as literals', () => {
    expect(productSearchSql({ ...base, q: '50%_off\\' }).countParams).toEqual([
      '50\\%\\_off\\\\%',
      '50\\%\\_off\\\\%',
    ]);
  });
});
