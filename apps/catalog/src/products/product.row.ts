import type { Product, ProductStatus } from '@shopflow/contracts';

/** The product columns every read selects, in one place so the reads and the benchmark agree. */
export const PRODUCT_COLUMNS =
  'id, sku, name, description, category, price_cents, currency, stock_available, stock_reserved, status, version, created_at, updated_at';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  currency: string;
  stock_available: number;
  stock_reserved: number;
  status: ProductStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function productFromRow(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    priceCents: row.price_cents,
    currency: row.currency,
    stockAvailable: row.stock_available,
    stockReserved: row.stock_reserved,
    status: row.status,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
