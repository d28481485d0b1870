import { domainError } from '@shopflow/platform/service';

export const ProductNotFound = domainError('not-found', 'PRODUCT.NOT_FOUND', () => 'No such product.');

export const SkuTaken = domainError(
  'conflict',
  'PRODUCT.SKU_TAKEN',
  (sku: string) => `SKU ${sku} is already in the catalog.`,
);

export const ProductVersionRequired = domainError(
  'version-required',
  'PRODUCT.VERSION_REQUIRED',
  () => 'State the version you read, as `If-Match: "<version>"` or as `version` in the body.',
);

/** Carries the current version, which the edge sends as the ETag to read again. */
export const ProductVersionConflict = domainError(
  'conflict',
  'PRODUCT.VERSION_CONFLICT',
  (expected: number, current: number) => [
    `The product changed since version ${expected}; it is now at version ${current}.`,
    { currentVersion: current },
  ],
);

/** Reserved units belong to orders: on-hand stock never drops below them. */
export const StockBelowReserved = domainError(
  'conflict',
  'STOCK.BELOW_RESERVED',
  (available: number, reserved: number) =>
    `Only ${available} unit(s) are free to write off; ${reserved} are reserved for orders.`,
);
