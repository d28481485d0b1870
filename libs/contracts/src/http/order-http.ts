/** Shapes of the order service's HTTP API, shared with its clients (e2e tests, benchmarks). */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Limits of one order, checked by the order service (422 naming the line when broken). */
export const ORDER_LIMITS = { maxLines: 50, minQuantity: 1, maxQuantity: 100 } as const;

export interface PlaceOrderRequest {
  lines: { productId: string; quantity: number }[];
}

export interface OrderLineView {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  /** The price when the order was placed, from the order service's view of the catalog. */
  unitPriceCents: number;
}

export interface OrderStatusChange {
  status: OrderStatus;
  at: string;
  /** Why, for a rejection (e.g. `timeout`, or the catalog's reasons). */
  reason?: string;
}

export interface Order {
  id: string;
  customerId: string;
  /** Who ordered, from auth's UserRegistered events; null until the order service has seen it. */
  customer: { displayName: string; email: string } | null;
  status: OrderStatus;
  lines: OrderLineView[];
  totalCents: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  history: OrderStatusChange[];
}
