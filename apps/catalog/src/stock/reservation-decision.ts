import type { ProductStatus } from '@shopflow/contracts';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface LockedStock {
  id: string;
  status: ProductStatus;
  stock_available: number;
}

export type RejectionReason = 'UNKNOWN_PRODUCT' | 'DISCONTINUED' | 'INSUFFICIENT_STOCK';

export type ReservationDecision =
  | { reserve: true; lines: RequestedLine[] }
  | { reserve: false; reasons: { productId: string; reason: RejectionReason }[] };

/**
 * All or nothing: every line can be reserved, or none is, with a reason for each failing line.
 * Lines of one product are summed first (an order may name a product twice), and the result is in
 * product-id order, the order in which rows are locked.
 */
export function decideReservation(
  requested: readonly RequestedLine[],
  stock: ReadonlyMap<string, LockedStock>,
): ReservationDecision {
  const lines = mergeLines(requested);
  const reasons: { productId: string; reason: RejectionReason }[] = [];
  for (const { productId, quantity } of lines) {
    const product = stock.get(productId);
    if (!product) reasons.push({ productId, reason: 'UNKNOWN_PRODUCT' });
    else if (product.status !== 'ACTIVE') reasons.push({ productId, reason: 'DISCONTINUED' });
    else if (product.stock_available < quantity) reasons.push({ productId, reason: 'INSUFFICIENT_STOCK' });
  }
  return reasons.length ? { reserve: false, reasons } : { reserve: true, lines };
}

export function mergeLines(requested: readonly RequestedLine[]): RequestedLine[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of requested)
    totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals.entries()]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}
