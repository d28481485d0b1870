import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { ProductCreatedV1, ProductUpdatedV1, type Page, type Product } from '@shopflow/contracts';
import { Outbox, UnitOfWork } from '@shopflow/platform/messaging';
import { isDuplicateKey } from '@shopflow/platform/persistence';
import type { CreateProductDto, UpdateProductDto } from './product.dto';
import { ProductNotFound, ProductVersionConflict, ProductVersionRequired, SkuTaken } from './product.errors';
import { CatalogReadCache } from '../cache/catalog-read-cache';
import { pageRepresentation, productRepresentation } from '../cache/representation';
import type { Representation } from '../cache/read-cache.backend';
import { productSearchSql, type ProductSearch } from './product-search';
import { PRODUCT_COLUMNS, productFromRow, type ProductRow } from './product.row';

/** What ProductCreated and ProductUpdated carry: the state the order service prices orders with. */
const productState = (product: Product) => ({
  productId: product.id,
  sku: product.sku,
  name: product.name,
  priceCents: product.priceCents,
  currency: product.currency,
  status: product.status,
  version: product.version,
});

@Injectable()
export class ProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly cache: CatalogReadCache,
  ) {}

  /** GET /v1/products/:id as served: from the read cache, else one primary-key lookup. */
  representation(id: string): Promise<Representation> {
    return this.cache.read({ area: 'product', productId: id }, async () =>
      productRepresentation(await this.get(id)),
    );
  }

  /** GET /v1/products as served; the key is the whole normalised query. */
  pageRepresentation(search: ProductSearch): Promise<Representation> {
    const query = JSON.stringify([
      search.page,
      search.limit,
      search.sort,
      search.q ?? null,
      search.category ?? null,
      search.minPriceCents ?? null,
      search.maxPriceCents ?? null,
    ]);
    return this.cache.read({ area: 'page', query }, async () =>
      pageRepresentation(await this.search(search)),
    );
  }

  /** The hot read: one primary-key lookup, no ORM hydration. */
  async get(id: string): Promise<Product> {
    const rows: ProductRow[] = await this.dataSource.query(
      `SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = ?`,
      [id],
    );
    if (!rows[0]) throw new ProductNotFound();
    return productFromRow(rows[0]);
  }

  async search(search: ProductSearch): Promise<Page<Product>> {
    const { sql, params, countSql, countParams } = productSearchSql(search);
    const [rows, total] = await Promise.all([
      this.dataSource.query(sql, params) as Promise<ProductRow[]>,
      // Once per fill of the page cache (the page and its total are cached together, ADR 0011).
      this.dataSource
        .query(countSql, countParams)
        .then((count: { total: number | string }[]) => Number(count[0]?.total ?? 0)),
    ]);
    return {
      items: rows.map(productFromRow),
      total,
      page: search.page,
      limit: search.limit,
    };
  }

  async create(input: CreateProductDto, actorId: string): Promise<Product> {
    const now = new Date();
    const product: Product = {
      id: randomUUID(),
      sku: input.sku,
      name: input.name,
      description: input.description,
      category: input.category,
      priceCents: input.priceCents,
      currency: input.currency,
      stockAvailable: input.initialStock,
      stockReserved: 0,
      status: 'ACTIVE',
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    try {
      await this.unitOfWork.run(async (em) => {
        await em.query(
          `INSERT INTO product (${PRODUCT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'ACTIVE', 1, ?, ?)`,
          [
            product.id,
            product.sku,
            product.name,
            product.description,
            product.category,
            product.priceCents,
            product.currency,
            product.stockAvailable,
            now,
            now,
          ],
        );
        if (input.initialStock > 0) {
          await recordMovement(em, product.id, input.initialStock, 'initial stock', actorId, now);
        }
        await this.outbox.add(em, ProductCreatedV1, productState(product));
      });
      await this.cache.invalidate({ productIds: [product.id], pages: true }, 'local');
    } catch (error) {
      if (isDuplicateKey(error)) throw new SkuTaken(input.sku);
      throw error;
    }
    return product;
  }

  /**
   * Optimistic concurrency: the caller states the version it read (body or If-Match), and the
   * row is locked and compared inside the transaction, so of two racing writers one gets 409.
   */
  async update(id: string, changes: UpdateProductDto, expectedVersion: number | undefined): Promise<Product> {
    if (expectedVersion === undefined) throw new ProductVersionRequired();
    const { version: _version, ...fields } = changes;
    return this.change(id, expectedVersion, (current) => ({ ...current, ...definedOnly(fields) }));
  }

  /** No hard delete: orders keep pointing at the product. Discontinuing twice changes nothing. */
  async discontinue(id: string): Promise<void> {
    await this.change(id, undefined, (current) => ({ ...current, status: 'DISCONTINUED' }));
  }

  private async change(
    id: string,
    expectedVersion: number | undefined,
    apply: (current: Product) => Product,
  ): Promise<Product> {
    const changed = await this.unitOfWork.run(async (em) => {
      const rows: ProductRow[] = await em.query(
        `SELECT ${PRODUCT_COLUMNS} FROM product WHERE id = ? FOR UPDATE`,
        [id],
      );
      if (!rows[0]) throw new ProductNotFound();
      const current = productFromRow(rows[0]);
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new ProductVersionConflict(expectedVersion, current.version);
      const next = apply(current);
      if (sameFields(current, next)) return current;
      const now = new Date();
      const updated: Product = { ...next, version: current.version + 1, updatedAt: now.toISOString() };
      await em.query(
        `UPDATE product SET name = ?, description = ?, category = ?, price_cents = ?, currency = ?, status = ?,
           version = ?, updated_at = ? WHERE id = ?`,
        [
          updated.name,
          updated.description,
          updated.category,
          updated.priceCents,
          updated.currency,
          updated.status,
          updated.version,
          now,
          id,
        ],
      );
      await this.outbox.add(em, ProductUpdatedV1, productState(updated));
      return updated;
    });
    await this.cache.invalidate({ productIds: [id], pages: true }, 'local');
    return changed;
  }
}

export async function recordMovement(
  em: EntityManager,
  productId: string,
  delta: number,
  reason: string,
  actorId: string | null,
  at: Date,
): Promise<string> {
  const id = randomUUID();
  await em.query(
    'INSERT INTO stock_movement (id, product_id, delta, reason, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [id, productId, delta, reason, actorId, at],
  );
  return id;
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

const EDITABLE = ['name', 'description', 'category', 'priceCents', 'currency', 'status'] as const;
const sameFields = (a: Product, b: Product) => EDITABLE.every((field) => a[field] === b[field]);
