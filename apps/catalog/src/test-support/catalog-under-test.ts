import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@shopflow/platform/config';
import { createServiceApp } from '@shopflow/platform/service';
import {
  captureLogger,
  JwksServer,
  serviceEnv,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TestSigningKey,
} from '@shopflow/testing';
import { AppModule } from '../app.module';
import { catalogEnv } from '../config/catalog.config';

/**
 * The catalog service in-process (app.inject), on the real test database and broker, trusting
 * tokens from a stand-in key set: admin and customer tokens are signed here.
 */
export async function startCatalog() {
  const jwks = await JwksServer.start();
  const key = await TestSigningKey.generate('catalog-test-key');
  jwks.publish(key.jwk);
  const logs = captureLogger('catalog', 'warn');
  const config = loadConfig(catalogEnv, {
    ...serviceEnv('catalog'),
    JWT_JWKS_URL: jwks.url,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
  });
  const app: NestFastifyApplication = await createServiceApp({
    service: 'catalog',
    module: AppModule.register(config, logs.logger),
    logger: logs.logger,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    logs,
    adminToken: await key.sign({ roles: ['customer', 'admin'] }),
    customerToken: await key.sign({ roles: ['customer'] }),
    async stop() {
      await app.close();
      await jwks.close();
    },
  };
}
