import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError, type DomainErrorKind } from './domain-error';

/** RFC 9457 problem details. `errors` lists the failing fields of a 400 (or the lines of a 422). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  correlationId?: string;
  errors?: FieldError[];
}

export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Thrown by the validation pipe: a 400 that names every failing field. */
export class ValidationFailedException extends HttpException {
  constructor(readonly errors: FieldError[]) {
    super(`${errors.map((e) => e.field).join(', ')} invalid`, HttpStatus.BAD_REQUEST);
  }
}

/** The one place a domain failure becomes an HTTP status. */
const STATUS_OF: Record<DomainErrorKind, HttpStatus> = {
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'version-required': HttpStatus.PRECONDITION_REQUIRED,
  'rule-violated': HttpStatus.UNPROCESSABLE_ENTITY,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
};

/** Response headers that belong to a problem: `Retry-After` on a 429, the current `ETag` on a 409. */
export function problemHeaders(error: unknown): Record<string, string> {
  if (!(error instanceof DomainError)) return {};
  const { retryAfterSeconds, currentVersion } = error.details;
  return {
    ...(retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}),
    ...(currentVersion !== undefined ? { etag: `"${currentVersion}"` } : {}),
  };
}

/** Turns anything thrown into a problem document. Nothing of a 5xx's internals is exposed. */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  const status = statusOf(error);
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    instance,
  };
  if (status >= 500) {
    problem.detail = 'An unexpected error occurred.';
    return problem;
  }
  if (error instanceof ValidationFailedException) {
    problem.detail = 'The request is invalid.';
    problem.errors = error.errors;
  } else if (error instanceof DomainError) {
    problem.code = error.code;
    problem.detail = error.message;
    if (error.details.fields?.length) problem.errors = error.details.fields;
  } else if (error instanceof HttpException) {
    problem.detail = detailOf(error);
  } else if (error instanceof Error) {
    problem.detail = error.message;
  }
  return problem;
}

function statusOf(error: unknown): number {
  if (error instanceof DomainError) return STATUS_OF[error.kind];
  if (error instanceof HttpException) return error.getStatus();
  // Fastify's own errors (bad JSON, body too large, unsupported media type) carry a statusCode.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) return statusCode;
  return 500;
}

function detailOf(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
