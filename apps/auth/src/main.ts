import './tracing';
import 'reflect-metadata';
import { topicsCreatedBy } from '@shopflow/contracts';
import { runService } from '@shopflow/platform/service';
import { AppModule } from './app.module';
import { authEnv, type AuthConfig } from './config/auth.config';
import { migrations } from './migrations';

runService<AuthConfig>({
  name: 'auth',
  description: 'Users, passwords, JWT access tokens (JWKS), refresh tokens and roles.',
  env: authEnv,
  appModule: (config, logger) => AppModule.register(config, logger),
  migrations,
  topics: topicsCreatedBy('auth'),
});
