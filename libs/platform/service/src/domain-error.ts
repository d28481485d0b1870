import type { FieldError } from './problem-details';

/**
 * What went wrong, in the domain's words. Use cases throw these; only the edge
 * (`problem-details.ts`) knows which HTTP status each kind becomes.
 */
export type DomainErrorKind =
  | 'not-found'
  | 'conflict'
  | 'version-required'
  | 'rule-violated'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate-limited';

export interface DomainErrorDetails {
  /** The parts of the request at fault, e.g. `lines[2].quantity`. */
  fields?: FieldError[];
  /** When the caller may try again (a throttle). */
  retryAfterSeconds?: number;
  /** The version the resource is at now (an optimistic-concurrency conflict). */
  currentVersion?: number;
}

/**
 * A failure the client can act on, with a stable machine-readable `code` (`ORDER.NOT_FOUND`). Each
 * feature declares its errors as subclasses in `<feature>.errors.ts`, each with a static `code`, so
 * a test can check that the OpenAPI document lists every code a service can answer.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly code: string;

  constructor(
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.code = (new.target as unknown as { code?: string }).code ?? 'UNSPECIFIED';
    this.name = new.target.name;
  }
}

/** The codes a feature's errors module declares: its exported DomainError classes' static codes. */
export function domainErrorCodes(errorsModule: Record<string, unknown>): string[] {
  return Object.values(errorsModule)
    .filter(
      (value): value is { code: string } & typeof DomainError =>
        typeof value === 'function' && value.prototype instanceof DomainError && 'code' in value,
    )
    .map((error) => error.code);
}

/** One base per kind, so a feature's error says what it is: `class OrderNotFound extends NotFound`. */
export abstract class NotFound extends DomainError {
  readonly kind = 'not-found';
}
export abstract class Conflict extends DomainError {
  readonly kind = 'conflict';
}
export abstract class VersionRequired extends DomainError {
  readonly kind = 'version-required';
}
export abstract class RuleViolated extends DomainError {
  readonly kind = 'rule-violated';
}
export abstract class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated';
}
export abstract class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}
export abstract class RateLimited extends DomainError {
  readonly kind = 'rate-limited';
}
