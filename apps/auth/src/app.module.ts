import { Module, type DynamicModule } from '@nestjs/common';
import { databaseTlsFrom, kafkaSecurityFrom } from '@shopflow/platform/config';
import { KafkaHealthIndicator, MessagingModule } from '@shopflow/platform/messaging';
import type { Logger } from '@shopflow/platform/observability';
import { DatabaseHealthIndicator, DatabaseModule } from '@shopflow/platform/persistence';
import { SecurityModule } from '@shopflow/platform/security';
import { PlatformModule } from '@shopflow/platform/service';
import { AuthSettings } from './config/auth-settings';
import type { AuthConfig } from './config/auth.config';
import { AccessTokenIssuer } from './keys/access-token.issuer';
import { JwksController } from './keys/jwks.controller';
import { SIGNING_KEYS } from './keys/signing-keys.token';
import { loadSigningKeys, type SigningKeys } from './keys/signing-keys';
import { PasswordHasher } from '@shopflow/platform/security';
import { AuthController } from './sessions/auth.controller';
import { LoginThrottle } from './sessions/login-throttle';
import { SessionsService } from './sessions/sessions.service';
import { User } from './users/user.entity';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({})
export class AppModule {
  static register(config: AuthConfig, logger: Logger): DynamicModule {
    // Loaded once, on first use by a provider (a failure then stops start-up with its message).
    let loading: Promise<SigningKeys> | undefined;
    const keys = () => (loading ??= loadSigningKeys(config, logger));
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          healthIndicators: [DatabaseHealthIndicator, KafkaHealthIndicator],
        }),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          tls: databaseTlsFrom(config),
          entities: [User],
        }),
        MessagingModule.forRoot({
          service: 'auth',
          brokers: config.KAFKA_BROKERS,
          security: kafkaSecurityFrom(config),
          clientId: config.KAFKA_CLIENT_ID ?? 'auth',
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          logger,
        }),
        // The auth service verifies its own tokens with the same guard as everyone else, from its
        // key set in memory rather than over HTTP.
        SecurityModule.forRoot({
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
          jwksUrl: async () => (await keys()).jwks,
        }),
      ],
      controllers: [AuthController, UsersController, JwksController],
      providers: [
        { provide: AuthSettings, useValue: new AuthSettings(config) },
        { provide: SIGNING_KEYS, useFactory: keys },
        {
          provide: AccessTokenIssuer,
          useFactory: (signingKeys: SigningKeys) =>
            new AccessTokenIssuer(signingKeys, {
              issuer: config.JWT_ISSUER,
              audience: config.JWT_AUDIENCE,
              ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
            }),
          inject: [SIGNING_KEYS],
        },
        PasswordHasher,
        LoginThrottle,
        UsersService,
        SessionsService,
      ],
    };
  }
}
