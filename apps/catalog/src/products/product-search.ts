import type { ProductSort, ProductSortField } from '@shopflow/contracts';
import { PRODUCT_COLUMNS } from './product.row';

export interface ProductSearch {
  page: number;
  limit: number;
  q?: string;
  category?: string;
  minPriceCents?: number;
  maxPriceCents?: number;
  sort: ProductSort;
}

const SORT_COLUMNS: Record<ProductSortField, string> = {
  name: 'name',
  priceCents: 'price_cents',
  createdAt: 'created_at',
};

/** `%` and `_` in the user's text are literals, not wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The SQL of a product page and of its total. Only ACTIVE products are listed. Every filter and
 * sort lands on an index of the catalog migration: status (+ category) then the sort column, so
 * the page is read in index order; `q` is a prefix match on name or SKU (an index-merge union of
 * ix_product_name and uq_product_sku). The sort ends with `id` so pages never overlap.
 */
export function productSearchSql(search: ProductSearch): {
  sql: string;
  params: unknown[];
  countSql: string;
  countParams: unknown[];
} {
  const where = ["status = 'ACTIVE'"];
  const params: unknown[] = [];
  if (search.category !== undefined) {
    where.push('category = ?');
    params.push(search.category);
  }
  if (search.minPriceCents !== undefined) {
    where.push('price_cents >= ?');
    params.push(search.minPriceCents);
  }
  if (search.maxPriceCents !== undefined) {
    where.push('price_cents <= ?');
    params.push(search.maxPriceCents);
  }
  if (search.q !== undefined) {
    const prefix = `${escapeLike(search.q)}%`;
    where.push('(name LIKE ? OR sku LIKE ?)');
    params.push(prefix, prefix);
  }
  const descending = search.sort.startsWith('-');
  const column = SORT_COLUMNS[search.sort.replace(/^-/, '') as ProductSortField];
  const direction = descending ? 'DESC' : 'ASC';
  const filter = where.join(' AND ');
  return {
    sql:
      `SELECT ${PRODUCT_COLUMNS} FROM product WHERE ${filter} ` +
      `ORDER BY ${column} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
    params: [...params, search.limit, (search.page - 1) * search.limit],
    countSql: `SELECT COUNT(*) AS total FROM product WHERE ${filter}`,
    countParams: params,
  };
}
