import { Conflict, NotFound, VersionRequired } from '@shopflow/platform/service';

export class ProductNotFound extends NotFound {
  static readonly code = 'PRODUCT.NOT_FOUND';
  constructor() {
    super('No such product.');
  }
}

export class SkuTaken extends Conflict {
  static readonly code = 'PRODUCT.SKU_TAKEN';
  constructor(sku: string) {
    super(`SKU ${sku} is already in the catalog.`);
  }
}

export class ProductVersionRequired extends VersionRequired {
  static readonly code = 'PRODUCT.VERSION_REQUIRED';
  constructor() {
    super('State the version you read, as `If-Match: "<version>"` or as `version` in the body.');
  }
}

/** Carries the current version, which the edge sends as the ETag to read again. */
export class ProductVersionConflict extends Conflict {
  static readonly code = 'PRODUCT.VERSION_CONFLICT';
  constructor(expected: number, current: number) {
    super(`The product changed since version ${expected}; it is now at version ${current}.`, {
      currentVersion: current,
    });
  }
}

/** Reserved units belong to orders: on-hand stock never drops below them. */
export class StockBelowReserved extends Conflict {
  static readonly code = 'STOCK.BELOW_RESERVED';
  constructor(available: number, reserved: number) {
    super(`Only ${available} unit(s) are free to write off; ${reserved} are reserved for orders.`);
  }
}
