/** Shapes of the catalog service's HTTP API, shared with its clients (e2e tests, benchmarks). */
export const PRODUCT_STATUSES = ['ACTIVE', 'DISCONTINUED'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** Sort keys of the product list; a leading `-` sorts descending. */
export const PRODUCT_SORT_FIELDS = ['name', 'priceCents', 'createdAt'] as const;
export type ProductSortField = (typeof PRODUCT_SORT_FIELDS)[number];
export const PRODUCT_SORTS = PRODUCT_SORT_FIELDS.flatMap((field) => [field, `-${field}`]) as ProductSort[];
export type ProductSort = ProductSortField | `-${ProductSortField}`;

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  /** Units that can still be reserved. */
  stockAvailable: number;
  /** Units held for orders. */
  stockReserved: number;
  status: ProductStatus;
  /** Increases with every change of the product's own fields (not of its stock). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface StockAdjustment {
  id: string;
  productId: string;
  delta: number;
  reason: string;
  stockAvailable: number;
  stockReserved: number;
  createdAt: string;
}
