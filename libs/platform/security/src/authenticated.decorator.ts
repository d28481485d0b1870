import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { JwtAuthGuard } from './jwt-auth.guard';

const APPLIED = Symbol('shopflow:security:authenticated');

type ClassOrMethodDecorator = ReturnType<typeof applyDecorators>;

/**
 * Requires a valid access token on a route or every route of a controller (401 otherwise), and marks
 * it in OpenAPI with the `bearer` scheme that `createServiceApp` declares. Applying it twice to the
 * same target does nothing, so `@Roles()` can apply it as well.
 */
export function Authenticated(): ClassOrMethodDecorator {
  const decorate = applyDecorators(
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No valid access token (problem+json).' }),
  );
  return (target, propertyKey, descriptor) => {
    const decorated: object = typeof descriptor?.value === 'function' ? descriptor.value : target;
    if (Reflect.getMetadata(APPLIED, decorated) === true) return;
    Reflect.defineMetadata(APPLIED, true, decorated);
    decorate(target, propertyKey, descriptor);
  };
}
