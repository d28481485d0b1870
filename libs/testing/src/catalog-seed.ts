/**
 * SQL that fills the catalog's `product` table with 10,000 products, for query-plan tests and
 * benchmarks: 20 categories (`cat-0`…`cat-19`), prices spread over 0-999.99, every tenth product
 * DISCONTINUED (so `cat-7` is all ACTIVE), names starting Alpha…Echo. Set-based and portable across
 * MySQL 8.4 and MariaDB 10.11: a cross join of digits, no sequence tables, no deep recursion.
 */
export function tenThousandProductsSql({ description = '', stock = 100 } = {}): string {
  const digits = `(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
    UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)`;
  return `
    INSERT INTO product (id, sku, name, description, category, price_cents, currency, stock_available,
      stock_reserved, status, version, created_at, updated_at)
    SELECT UUID(), CONCAT('SKU-', n), CONCAT(ELT(1 + n % 5, 'Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'), ' ', n),
      ${escape(description)}, CONCAT('cat-', n % 20), (n * 7919) % 100000, 'EUR', ${Number(stock)}, 0,
      IF(n % 10 = 0, 'DISCONTINUED', 'ACTIVE'), 1, NOW(3) - INTERVAL n SECOND, NOW(3)
    FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n
          FROM ${digits} a CROSS JOIN ${digits} b CROSS JOIN ${digits} c CROSS JOIN ${digits} e) numbers`;
}

const escape = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
