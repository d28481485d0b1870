import {
  ForbiddenException,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user';
import { bearerCredentialsOf } from './bearer-credentials';
import { JwtVerifier } from './jwt-verifier';
import { ROLES_METADATA } from './roles.metadata';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';
import { TokenRejectedError } from './token-rejected.error';

/**
 * 401 without a valid access token, 403 without one of the roles `@Roles()` requires; sets
 * `request.user`. Bound by `@Authenticated()` and `@Roles()`; the challenges follow RFC 6750 §3.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    // Bound on a controller and again on one of its methods, the guard runs twice: verify once.
    request.user ??= await this.authenticate(request, reply);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !required.some((role) => request.user?.roles.includes(role))) {
      void reply.header('www-authenticate', 'Bearer error="insufficient_scope"');
      throw new ForbiddenException(`Requires the ${required.join(' or ')} role.`);
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, reply: FastifyReply): Promise<AuthenticatedUser> {
    const credentials = bearerCredentialsOf(request.headers.authorization);
    if (credentials.kind === 'none') {
      throw unauthorized(reply, 'Bearer', 'An access token is required.');
    }
    if (credentials.kind === 'malformed') {
      throw unauthorized(reply, 'Bearer error="invalid_request"', 'The Authorization header is malformed.');
    }
    try {
      return await this.verifier.verify(credentials.token);
    } catch (error) {
      if (error instanceof TokenRejectedError) {
        throw unauthorized(
          reply,
          `Bearer error="invalid_token", error_description="${error.reason}"`,
          `The access token was rejected: ${error.reason}.`,
        );
      }
      if (error instanceof SigningKeysUnavailableError) {
        // The token may well be fine; saying 401 would send the client to log in again for nothing.
        throw new ServiceUnavailableException('Access tokens cannot be verified right now.', {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function unauthorized(reply: FastifyReply, challenge: string, detail: string): UnauthorizedException {
  void reply.header('www-authenticate', challenge);
  return new UnauthorizedException(detail);
}
