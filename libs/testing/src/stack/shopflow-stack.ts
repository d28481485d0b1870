import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Order, Product, ServiceName, TokenPair } from '@shopflow/contracts';
import { eventually, type EventuallyOptions } from '../eventually';
import { freePort } from '../free-port';
import { spawnService, waitUntilReady, type ServiceProcess } from '../service-process';
import { infrastructureFreeEnv, serviceEnv } from '../test-env';
import type { IsolatedInfra } from './isolated-infra';

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

export interface StackOptions {
  /** Variables per service, over the defaults. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Instances per service (default 1): several form one consumer group, as replicas do. */
  instances?: Partial<Record<ServiceName, number>>;
  /** A broker and schemas of the stack's own, instead of the shared test ones. */
  infra?: IsolatedInfra;
}

/**
 * The three real services as separate processes (the built dist/apps/<svc>/main.js), on the
 * test database and broker, talking to each other only through Kafka and auth's JWKS. Requests go
 * to the live instances of a service in turn, as a load balancer would send them.
 */
export class ShopflowStack {
  readonly admin = { email: `admin-${randomUUID().slice(0, 8)}@example.com`, password: 'e2e-admin-password' };
  private readonly processes = new Map<string, ServiceProcess>();
  private readonly env = new Map<string, Record<string, string>>();
  private readonly counts = new Map<ServiceName, number>();
  private turn = 0;
  private adminToken?: string;

  static async start({ env = {}, instances = {}, infra }: StackOptions = {}): Promise<ShopflowStack> {
    const stack = new ShopflowStack();
    const names = SERVICES.flatMap((service) => {
      stack.counts.set(service, instances[service] ?? 1);
      return Array.from({ length: instances[service] ?? 1 }, (_, i) => ({
        service,
        name: `${service}#${i}`,
      }));
    });
    const ports = new Map(
      await Promise.all(names.map(async ({ name }) => [name, await freePort()] as const)),
    );
    for (const { service, name } of names) {
      stack.env.set(name, {
        // On infrastructure of its own, the shared test schemas need not exist (benchmarks).
        ...(infra ? { ...infrastructureFreeEnv(service), ...infra.env(service) } : serviceEnv(service)),
        LOG_LEVEL: 'warn',
        HTTP_PORT: String(ports.get(name)),
        KAFKA_CLIENT_ID: name.replace('#', '-'),
        JWT_JWKS_URL: `http://127.0.0.1:${ports.get('auth#0')}/.well-known/jwks.json`,
        ...(service === 'auth'
          ? { ADMIN_EMAIL: stack.admin.email, ADMIN_PASSWORD: stack.admin.password }
          : {}),
        ...env[service],
      });
    }
    try {
      await Promise.all(names.map(({ name }) => stack.launch(name)));
    } catch (error) {
      await stack.stop(); // leave no process behind when one of them cannot start
      throw error;
    }
    return stack;
  }

  /** Starts an instance; resolves with the milliseconds from its spawn to its first HTTP answer. */
  private async launch(name: string): Promise<number> {
    const spawnedAt = Date.now();
    const proc = spawnService(name.split('#')[0] as ServiceName, this.env.get(name)!);
    this.processes.set(name, proc);
    const answeredAfter = await eventually(
      async () => {
        if (proc.child.exitCode !== null) return Date.now() - spawnedAt; // waitUntilReady reports it
        await fetch(`${proc.baseUrl}/health/live`);
        return Date.now() - spawnedAt;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await waitUntilReady(proc, 60_000);
    return answeredAfter;
  }

  /** Kills an instance with SIGKILL: no drain, no goodbye to the consumer group. */
  async crash(service: ServiceName, instance = 0): Promise<void> {
    await this.processes.get(`${service}#${instance}`)!.stop('SIGKILL');
  }

  /**
   * Starts a crashed instance again with the same environment; resolves with the milliseconds from
   * the process start until it first answered HTTP (it is also ready when this resolves).
   */
  async restart(service: ServiceName, instance = 0): Promise<number> {
    return this.launch(`${service}#${instance}`);
  }

  /** Stops every instance. With SHOPFLOW_STACK_LOG_DIR set, keeps each one's output there, for a post-mortem. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop('SIGTERM')));
    const logDir = process.env['SHOPFLOW_STACK_LOG_DIR'];
    if (!logDir) return;
    mkdirSync(logDir, { recursive: true });
    for (const [key, proc] of this.processes)
      writeFileSync(join(logDir, `${key.replace('#', '-')}-${proc.child.pid}.log`), proc.output());
  }

  output(service: ServiceName, instance = 0): string {
    return this.processes.get(`${service}#${instance}`)?.output() ?? '';
  }

  /** A live instance of the service, in turn. */
  private instanceFor(service: ServiceName): ServiceProcess {
    const live = Array.from({ length: this.counts.get(service)! }, (_, i) =>
      this.processes.get(`${service}#${i}`),
    ).filter((p): p is ServiceProcess => !!p && p.child.exitCode === null && p.child.signalCode === null);
    const proc = live[this.turn++ % Math.max(live.length, 1)];
    if (!proc) throw new Error(`no live instance of ${service}`);
    return proc;
  }

  /** An instance's process id, for CPU accounting from /proc. */
  pid(service: ServiceName, instance = 0): number | undefined {
    return this.processes.get(`${service}#${instance}`)?.child.pid;
  }

  baseUrl(service: ServiceName, instance = 0): string {
    return this.processes.get(`${service}#${instance}`)!.baseUrl;
  }

  /** An instance's Prometheus exposition, as a scraper reads it. */
  async metrics(service: ServiceName, instance = 0): Promise<string> {
    return (await fetch(`${this.baseUrl(service, instance)}/metrics`)).text();
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const proc = this.instanceFor(serviceFor(path));
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
