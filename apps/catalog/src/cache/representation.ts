import { createHash } from 'node:crypto';
import type { Page, Product } from '@shopflow/contracts';
import type { Representation } from './read-cache.backend';

/**
 * A product's ETag: its version (what If-Match compares: the fields an admin edits) and its stock,
 * which moves with every order without bumping the version. Strong and cheap: no hashing.
 */
export const productEtag = (product: Product) =>
  `"${product.version}-${product.stockAvailable}-${product.stockReserved}"`;

export const productRepresentation = (product: Product): Representation => ({
  body: JSON.stringify(product),
  etag: productEtag(product),
});

/** A page's ETag is a digest of its body: computed once per fill, then served from the cache. */
export function pageRepresentation(page: Page<Product>): Representation {
  const body = JSON.stringify(page);
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
}

/** If-None-Match (RFC 9110 §13.1.2): a list of ETags or `*`, compared weakly. */
export function noneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
