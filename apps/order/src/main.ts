import './tracing';
import 'reflect-metadata';
import { topicsCreatedBy } from '@shopflow/contracts';
import { runService } from '@shopflow/platform/service';
import { AppModule } from './app.module';
import { orderEnv, type OrderConfig } from './config/order.config';
import { migrations } from './migrations';

runService<OrderConfig>({
  name: 'order',
  description: 'Places orders and drives them to a final state through events.',
  env: orderEnv,
  appModule: (config, logger) => AppModule.register(config, logger),
  migrations,
  topics: topicsCreatedBy('order'),
});
