import './tracing';
import 'reflect-metadata';
import { topicsCreatedBy } from '@shopflow/contracts';
import { runService } from '@shopflow/platform/service';
import { AppModule } from './app.module';
import { catalogEnv, type CatalogConfig } from './config/catalog.config';
import { migrations } from './migrations';

runService<CatalogConfig>({
  name: 'catalog',
  description: 'Products, prices and stock; reserves and releases stock in reaction to orders.',
  env: catalogEnv,
  appModule: (config, logger) => AppModule.register(config, logger),
  migrations,
  topics: topicsCreatedBy('catalog'),
});
