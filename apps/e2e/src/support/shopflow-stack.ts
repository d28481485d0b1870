import { randomUUID } from 'node:crypto';
import type { Order, Product, ServiceName, TokenPair } from '@shopflow/contracts';
import {
  eventually,
  freePort,
  serviceEnv,
  spawnService,
  waitUntilReady,
  type EventuallyOptions,
  type ServiceProcess,
} from '@shopflow/testing';

const SERVICES: ServiceName[] = ['auth', 'catalog', 'order'];

/** Which service answers a path: the same routing as the compose gateway and the Ingress. */
function serviceFor(path: string): ServiceName {
  if (path.startsWith('/v1/products')) return 'catalog';
  if (path.startsWith('/v1/orders')) return 'order';
  return 'auth';
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The three real services as separate processes (the built dist/apps/<svc>/main.js), on the
 * test database and broker, talking to each other only through Kafka and auth's JWKS.
 */
export class ShopflowStack {
  readonly admin = { email: `admin-${randomUUID().slice(0, 8)}@example.com`, password: 'e2e-admin-password' };
  private readonly processes = new Map<ServiceName, ServiceProcess>();
  private readonly env = new Map<ServiceName, Record<string, string>>();
  private adminToken?: string;

  static async start(
    overrides: Partial<Record<ServiceName, Record<string, string>>> = {},
  ): Promise<ShopflowStack> {
    const stack = new ShopflowStack();
    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await freePort()])));
    for (const service of SERVICES) {
      stack.env.set(service, {
        ...serviceEnv(service),
        LOG_LEVEL: 'warn',
        HTTP_PORT: String(ports[service]),
        JWT_JWKS_URL: `http://127.0.0.1:${ports['auth']}/.well-known/jwks.json`,
        // A killed instance's partitions move on after 6 s instead of 30 s.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        ...(service === 'auth'
          ? { ADMIN_EMAIL: stack.admin.email, ADMIN_PASSWORD: stack.admin.password }
          : {}),
        ...overrides[service],
      });
    }
    try {
      await Promise.all(SERVICES.map((service) => stack.launch(service)));
    } catch (error) {
      await stack.stop(); // leave no process behind when one of them cannot start
      throw error;
    }
    return stack;
  }

  private async launch(service: ServiceName): Promise<void> {
    const proc = spawnService(service, this.env.get(service)!);
    this.processes.set(service, proc);
    await waitUntilReady(proc, 60_000);
  }

  /** Kills a service (SIGKILL: no drain, no goodbye to the consumer group) and starts it again. */
  async crash(service: ServiceName): Promise<void> {
    await this.processes.get(service)!.stop('SIGKILL');
  }

  async restart(service: ServiceName): Promise<void> {
    await this.launch(service);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop('SIGTERM')));
  }

  baseUrl(service: ServiceName): string {
    return this.processes.get(service)!.baseUrl;
  }

  /** The service's Prometheus exposition, as a scraper reads it. */
  async metrics(service: ServiceName): Promise<string> {
    return (await fetch(`${this.baseUrl(service)}/metrics`)).text();
  }

  output(service: ServiceName): string {
    return this.processes.get(service)?.output() ?? '';
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const proc = this.processes.get(serviceFor(path))!;
    const response = await fetch(`${proc.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  }

  /** Registers a customer and logs in: an access token and the user's id. */
  async customer(name = 'Ada'): Promise<{ id: string; token: string; email: string }> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const registered = await this.request<{ id: string }>('POST', '/v1/auth/register', {
      body: { email, password: 'correct horse battery', displayName: name },
    });
    if (registered.status !== 201)
      throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
    return { id: registered.body.id, email, token: await this.login(email, 'correct horse battery') };
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.request<TokenPair>('POST', '/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }

  async adminAccess(): Promise<string> {
    return (this.adminToken ??= await this.login(this.admin.email, this.admin.password));
  }

  /** An admin creates a product in the catalog. */
  async product(stock: number, priceCents = 1999): Promise<Product> {
    const res = await this.request<Product>('POST', '/v1/products', {
      token: await this.adminAccess(),
      body: {
        sku: `E2E-${randomUUID().slice(0, 12)}`,
        name: 'Espresso machine',
        category: 'e2e',
        priceCents,
        currency: 'EUR',
        initialStock: stock,
      },
    });
    if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async catalogProduct(id: string): Promise<Product> {
    return (await this.request<Product>('GET', `/v1/products/${id}`)).body;
  }

  /**
   * Places an order once the order service has learnt of the products from the catalog's events:
   * until then it answers 422 (unknown product), which stores nothing, so the retry with the same
   * Idempotency-Key is safe.
   */
  async placeOrder(
    token: string,
    lines: { productId: string; quantity: number }[],
    options: EventuallyOptions = {},
  ) {
    const key = randomUUID();
    return eventually(
      async () => {
        const res = await this.request<Order>('POST', '/v1/orders', {
          token,
          body: { lines },
          headers: { 'idempotency-key': key },
        });
        if (res.status !== 202) throw new Error(`place order: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body;
      },
      { timeoutMs: 20_000, intervalMs: 100, ...options },
    );
  }

  /** Waits until the order reaches one of the given states. */
  async orderIn(id: string, token: string, states: Order['status'][], timeoutMs = 30_000): Promise<Order> {
    return eventually(
      async () => {
        const res = await this.request<Order>('GET', `/v1/orders/${id}`, { token });
        if (!states.includes(res.body.status))
          throw new Error(`order ${id} is ${res.body.status}, waiting for ${states}`);
        return res.body;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }
}
