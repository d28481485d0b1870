import type { ServiceName } from '@shopflow/contracts';

/**
 * Infrastructure for integration tests, provided by `npm test` (tools/test/run-tests.mjs): a real
 * Kafka broker and freshly provisioned, migrated test schemas. A test run without it fails loudly.
 */
export function requireTestEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration tests through \`npm test\`, which starts Kafka and MySQL`,
    );
  }
  return value;
}

export const kafkaBrokers = (): string[] => requireTestEnv('KAFKA_BROKERS').split(',');

/** The real Redis the cache tests use (npm test passes the machine's, redis://127.0.0.1:6379/0). */
export const redisUrl = (): string => requireTestEnv('REDIS_URL');

/** The DATABASE_URL of a service's test schema, as its own least-privileged user. */
export function databaseUrl(service: ServiceName): string {
  const url = requireTestEnv(`${service.toUpperCase()}_DATABASE_URL`);
  // Refuse anything that is not a test schema: these tests drop and fill tables.
  if (!/\/test_[A-Za-z0-9_]+$/.test(url))
    throw new Error(`refusing to test against non-test database ${url}`);
  return url;
}

/** The base environment a service process needs, pointed at the test infrastructure. */
export function serviceEnv(service: ServiceName): Record<string, string> {
  return {
    ...infrastructureFreeEnv(service),
    DATABASE_URL: databaseUrl(service),
    KAFKA_BROKERS: kafkaBrokers().join(','),
  };
}

/** What a service process needs besides its database and broker (a stack on its own schemas). */
export function infrastructureFreeEnv(service: ServiceName): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    KAFKA_CLIENT_ID: `${service}-test`,
    // Catalog and order verify auth's tokens; tests that call them with tokens point this at a real auth.
    JWT_JWKS_URL: process.env.JWT_JWKS_URL ?? 'http://127.0.0.1:3001/.well-known/jwks.json',
  };
}

/**
 * A port for a suite's own broker, derived from the shared test broker's so that two checkouts
 * running side by side (TEST_KAFKA_PORT) never collide: 20092 beside the default 21092. `slot`
 * separates suites that need one each. The controller listener takes the port + 10000.
 */
export function dedicatedKafkaPort(slot = 0): number {
  const shared = Number(kafkaBrokers()[0]!.split(':').pop());
  return shared - 1000 - slot * 100;
}
