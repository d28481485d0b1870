/** Where `@Roles()` leaves the roles a route requires, for `JwtAuthGuard` to read. */
export const ROLES_METADATA = 'shopflow:security:roles';
