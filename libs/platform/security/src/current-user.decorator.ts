import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, AuthenticatedUser } from './authenticated-user';

/** The caller of an `@Authenticated()` route. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
    // Only a route missing @Authenticated() gets here without a user: a bug, so fail (500) rather than guess.
    if (!user) throw new Error('@CurrentUser() is used on a route without @Authenticated()');
    return user;
  },
);
