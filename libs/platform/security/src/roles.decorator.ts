import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { Role } from '@shopflow/contracts';
import { Authenticated } from './authenticated.decorator';
import { ROLES_METADATA } from './roles.metadata';

/**
 * Requires at least one of the roles (403 otherwise). A method's roles replace its controller's.
 * Implies `@Authenticated()`: a role check without the guard would leave the route open.
 */
export function Roles(role: Role, ...more: Role[]): ReturnType<typeof applyDecorators> {
  const roles = [role, ...more];
  return applyDecorators(
    SetMetadata(ROLES_METADATA, roles),
    Authenticated(),
    ApiForbiddenResponse({ description: `Requires the ${roles.join(' or ')} role (problem+json).` }),
  );
}
