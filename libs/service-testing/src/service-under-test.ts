import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { z } from 'zod';
import type { ServiceName } from '@shopflow/contracts';
import { loadConfig } from '@shopflow/platform/config';
import type { Logger } from '@shopflow/platform/observability';
import { createServiceApp } from '@shopflow/platform/service';
import { captureLogger, serviceEnv } from '@shopflow/testing';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpCall {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The peer address the service sees (a client, or a proxy that forwards one). */
  remoteAddress?: string;
}

/**
 * (A lib of its own, apart from libs/testing: it depends on platform/service, whose own tests use
 * libs/testing.) One service in-process, as `main.js serve` builds it (its config schema over the test
 * environment, the shared platform app) but answering through `app.inject`: on the real test
 * database and broker, without a port. Every integration spec starts its service with this.
 */
export async function startServiceUnderTest<S extends z.ZodObject>({
  service,
  schema,
  env = {},
  module,
  logLevel = 'warn',
}: {
  service: ServiceName;
  /** The service's environment schema: the same validation as in production. */
  schema: S;
  /** Variables over the test environment (serviceEnv). */
  env?: Record<string, string>;
  module: (config: z.infer<S>, logger: Logger) => DynamicModule;
  logLevel?: string;
}) {
  const logs = captureLogger(service, logLevel);
  const config = loadConfig(schema, { ...serviceEnv(service), ...env }) as z.infer<S> & {
    TRUSTED_PROXIES: string[];
  };
  const app: NestFastifyApplication = await createServiceApp({
    service,
    module: module(config, logs.logger),
    logger: logs.logger,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  await app.init();
  await app.startAllMicroservices(); // the event transport: starts the service's consumer, if it has one
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    logs,
    http: (method: HttpMethod, url: string, { token, body, headers = {}, remoteAddress }: HttpCall = {}) =>
      app.inject({
        method,
        url,
        payload: body as object | string | undefined,
        remoteAddress,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      }),
    stop: () => app.close(),
  };
}

export type ServiceUnderTest = Awaited<ReturnType<typeof startServiceUnderTest>>;
