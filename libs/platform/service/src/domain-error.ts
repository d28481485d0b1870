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
 * A failure the client can act on, with a stable machine-readable `code` (`ORDER.NOT_FOUND`).
 * Features declare theirs with `domainError(…)` in `<feature>.errors.ts`.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }
}

/**
 * Declares one error of a feature: its kind, its code, and how its message (and details) read.
 *   export const OrderNotFound = domainError('not-found', 'ORDER.NOT_FOUND', () => 'No such order.');
 *   throw new OrderNotFound();          // and `error instanceof OrderNotFound` where it matters
 * The class carries the code as a static too, so a test can list every code a module declares.
 */
export function domainError<A extends unknown[]>(
  kind: DomainErrorKind,
  code: string,
  describe: (...args: A) => string | [string, DomainErrorDetails],
) {
  const declared = class extends DomainError {
    static readonly code = code;
    readonly kind = kind;
    readonly code = code;
    constructor(...args: A) {
      const described = describe(...args);
      const [message, details] = typeof described === 'string' ? [described, {}] : described;
      super(message, details);
      this.name = code;
    }
  };
  return declared;
}

/** The codes a feature's errors module declares: its exported domainError classes' codes. */
export function domainErrorCodes(errorsModule: Record<string, unknown>): string[] {
  return Object.values(errorsModule)
    .filter(
      (value): value is { code: string } =>
        typeof value === 'function' && value.prototype instanceof DomainError && 'code' in value,
    )
    .map((error) => error.code);
}
