import type { DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import {
  commonEnv,
  databaseTlsFrom,
  kafkaSecurityFrom,
  loadConfig,
  runOrExitOnConfigError,
} from '@shopflow/platform/config';
import { KafkajsBroker, type TopicSpec } from '@shopflow/platform/messaging';
import { createLogger, type Logger } from '@shopflow/platform/observability';
import { runMigrations } from '@shopflow/platform/persistence';
import { startService } from './start-service';

type CommonConfig = z.output<z.ZodObject<typeof commonEnv>> & { HTTP_PORT: number };

export interface ServiceDefinition<C extends CommonConfig> {
  name: string;
  description: string;
  env: z.ZodObject;
  appModule(config: C, logger: Logger): DynamicModule;
  migrations: (new () => unknown)[];
  topics: TopicSpec[];
}

/** Swagger UI and /docs-json: as API_DOCS says, else everywhere but production. */
export const docsServed = (config: Pick<CommonConfig, 'API_DOCS' | 'NODE_ENV'>): boolean =>
  config.API_DOCS ?? config.NODE_ENV !== 'production';

/**
 * A service's whole command line, the same in every image:
 *   main.js                 start the HTTP service
 *   main.js migrate         apply pending database migrations, then exit
 *   main.js create-topics   create the topics this service owns and its dead-letter topics, then exit
 *   main.js describe-config print the environment variables the service reads, as JSON, then exit
 *                           (deployment drift checks compare it with compose and the manifests)
 */
export function runService<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  argv = process.argv.slice(2),
): void {
  if (argv[0] === 'describe-config') {
    process.stdout.write(`${JSON.stringify(describeConfig(definition.env))}\n`);
    return;
  }
  void runOrExitOnConfigError(async () => {
    const command = argv[0] ?? 'serve';
    // The one-shot commands need only the database and the broker: a migration job should not have
    // to be given the JWKS URL or the signing keys the server needs.
    const config = loadConfig(command === 'serve' ? definition.env : z.object(commonEnv)) as C;
    const logger = createLogger({ service: definition.name, level: config.LOG_LEVEL });
    switch (command) {
      case 'serve':
        await startService({
          service: definition.name,
          description: definition.description,
          module: definition.appModule(config, logger),
          logger,
          host: config.HTTP_HOST,
          trustedProxies: config.TRUSTED_PROXIES,
          docs: docsServed(config),
          port: config.HTTP_PORT,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
        });
        return;
      case 'migrate': {
        const applied = await runMigrations({
          url: config.DATABASE_URL,
          poolSize: 1,
          tls: databaseTlsFrom(config),
          migrations: definition.migrations,
        });
        logger.info(
          { applied },
          applied.length ? `applied ${applied.length} migration(s)` : 'schema is up to date',
        );
        return;
      }
      case 'create-topics': {
        const broker = new KafkajsBroker({
          brokers: config.KAFKA_BROKERS,
          clientId: `${definition.name}-admin`,
          security: kafkaSecurityFrom(config),
          logger,
        });
        try {
          await broker.ensureTopics(definition.topics);
          logger.info({ topics: definition.topics.map((t) => t.name) }, 'topics ready');
        } finally {
          await broker.close();
        }
        return;
      }
      default:
        process.stderr.write(
          `unknown command "${command}": use serve, migrate, create-topics or describe-config\n`,
        );
        process.exit(2);
    }
  }).catch((error: unknown) => {
    process.stderr.write(
      `${definition.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

/** Which variables a schema requires (no default, not optional) and which it merely accepts. */
export function describeConfig(env: z.ZodObject): { required: string[]; optional: string[] } {
  const names = Object.keys(env.shape).sort();
  const required = names.filter((name) => !env.shape[name].safeParse(undefined).success);
  return { required, optional: names.filter((name) => !required.includes(name)) };
}
