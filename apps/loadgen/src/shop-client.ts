import { randomUUID } from 'node:crypto';
import type { Order, Page, Product, TokenPair } from '@shopflow/contracts';
import type { Targets } from './config';

export interface Reply<T> {
  status: number;
  body: T | undefined;
}

/** The public HTTP API, as a client uses it (through the gateway or each service's port). */
export class ShopClient {
  constructor(
    private readonly targets: Targets,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(
    service: keyof Targets,
    method: string,
    path: string,
    { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const response = await fetch(`${this.targets[service]}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: T | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      parsed = undefined; // an HTML error page from a proxy: the status says enough
    }
    return { status: response.status, body: parsed };
  }

  register(email: string, password: string, displayName: string) {
    return this.call<{ id: string }>('auth', 'POST', '/v1/auth/register', {
      body: { email, password, displayName },
    });
  }

  login(email: string, password: string) {
    return this.call<TokenPair>('auth', 'POST', '/v1/auth/login', { body: { email, password } });
  }

  products(query: { page?: number; limit?: number; q?: string; category?: string } = {}) {
    const search = new URLSearchParams(
      Object.entries(query).flatMap(([k, v]): [string, string][] =>
        v === undefined ? [] : [[k, String(v)]],
      ),
    );
    return this.call<Page<Product>>('catalog', 'GET', `/v1/products?${search}`);
  }

  product(id: string) {
    return this.call<Product>('catalog', 'GET', `/v1/products/${id}`);
  }

  createProduct(token: string, sku: string, category: string, priceCents: number) {
    return this.call<Product>('catalog', 'POST', '/v1/products', {
      token,
      body: { sku, name: `Load ${sku}`, category, priceCents, currency: 'EUR', initialStock: 1_000_000 },
    });
  }

  placeOrder(token: string, lines: { productId: string; quantity: number }[]) {
    return this.call<Order>('order', 'POST', '/v1/orders', {
      token,
      body: { lines },
      headers: { 'idempotency-key': randomUUID() },
    });
  }

  order(token: string, id: string) {
    return this.call<Order>('order', 'GET', `/v1/orders/${id}`, { token });
  }

  cancel(token: string, id: string) {
    return this.call<Order>('order', 'POST', `/v1/orders/${id}/cancel`, { token });
  }
}
