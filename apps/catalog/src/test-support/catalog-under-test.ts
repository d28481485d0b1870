import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@shopflow/platform/config';
import { createServiceApp } from '@shopflow/platform/service';
import { captureLogger, serviceEnv, TestIdentityProvider } from '@shopflow/testing';
import { AppModule } from '../app.module';
import { catalogEnv } from '../config/catalog.config';

/**
 * The catalog service in-process (app.inject), on the real test database and broker, trusting
 * tokens from a stand-in identity provider: admin and customer tokens are signed here.
 */
export async function startCatalog() {
  const identity = await TestIdentityProvider.start();
  const logs = captureLogger('catalog', 'warn');
  const config = loadConfig(catalogEnv, { ...serviceEnv('catalog'), ...identity.env });
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
    adminToken: await identity.token({ roles: ['customer', 'admin'] }),
    customerToken: await identity.token(),
    async stop() {
      await app.close();
      await identity.close();
    },
  };
}
