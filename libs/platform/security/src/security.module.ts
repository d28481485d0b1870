import { Global, Module, type DynamicModule } from '@nestjs/common';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtVerifier, type JwtVerifierOptions } from './jwt-verifier';

export type SecurityModuleOptions = JwtVerifierOptions;

/** Lets any module of a service use `@Authenticated()` and `@Roles()`. */
@Global()
@Module({})
export class SecurityModule {
  static forRoot(options: SecurityModuleOptions): DynamicModule {
    return {
      module: SecurityModule,
      providers: [{ provide: JwtVerifier, useFactory: () => new JwtVerifier(options) }, JwtAuthGuard],
      exports: [JwtVerifier, JwtAuthGuard],
    };
  }
}
