import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stopTracing, type Logger } from '@shopflow/platform/observability';
import { createServiceApp, type ServiceAppOptions } from './service-app';

export interface StartOptions extends ServiceAppOptions {
  host: string;
  port: number;
  shutdownTimeoutMs: number;
}

/** Starts listening and installs graceful shutdown. */
export async function startService(options: StartOptions): Promise<NestFastifyApplication> {
  const app = await createServiceApp(options);
  installGracefulShutdown(app, options.logger, options.shutdownTimeoutMs);
  // Modules first (their onModuleInit), then the event transport (returns before the group is joined), then HTTP.
  await app.init();
  await app.startAllMicroservices();
  await app.listen({ host: options.host, port: options.port });
  options.logger.info(
    { url: `http://127.0.0.1:${options.port}` },
    `${options.service} listening on port ${options.port}`,
  );
  return app;
}

/**
 * On SIGTERM/SIGINT: Nest's close runs consumers' onModuleDestroy (leave the group after the
 * message in hand), then closes the HTTP server (no new requests, in-flight ones finish), then
 * onApplicationShutdown (producer and pool). A timer bounds the whole thing.
 */
export function installGracefulShutdown(
  app: NestFastifyApplication,
  logger: Logger,
  timeoutMs: number,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    // Spans still buffered are exported last: the shutdown itself may be worth seeing.
    app
      .close()
      .then(stopTracing)
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
