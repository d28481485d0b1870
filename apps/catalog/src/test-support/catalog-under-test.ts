import { startServiceUnderTest } from '@shopflow/service-testing';
import { TestIdentityProvider } from '@shopflow/testing';
import { AppModule } from '../app.module';
import { catalogEnv } from '../config/catalog.config';

/**
 * The catalog service in-process (startServiceUnderTest), trusting tokens from a stand-in identity
 * provider: admin and customer tokens are signed here. Shared by the catalog's integration specs.
 */
export async function startCatalog(env: Record<string, string> = {}) {
  const identity = await TestIdentityProvider.start();
  const service = await startServiceUnderTest({
    service: 'catalog',
    schema: catalogEnv,
    env: { ...identity.env, ...env },
    module: (config, logger) => AppModule.register(config, logger),
  });
  return {
    ...service,
    adminToken: await identity.token({ roles: ['customer', 'admin'] }),
    customerToken: await identity.token(),
    async stop() {
      await service.stop();
      await identity.close();
    },
  };
}
