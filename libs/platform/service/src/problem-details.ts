import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

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

/**
 * A failure the client can act on, with a stable machine-readable code (e.g. `USER.EMAIL_TAKEN`).
 * Use cases throw these; only this edge knows they become HTTP.
 */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    detail: string,
    /** Response headers that belong to the problem, e.g. `Retry-After` on a 429. */
    readonly headers: Record<string, string> = {},
    /** The parts of the request at fault, e.g. `lines[2].quantity` of a 422. */
    readonly errors?: FieldError[],
  ) {
    super(detail, status);
  }
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
  } else if (error instanceof ProblemException) {
    problem.code = error.code;
    problem.detail = error.message;
    if (error.errors?.length) problem.errors = error.errors;
  } else if (error instanceof HttpException) {
    problem.detail = detailOf(error);
  } else if (error instanceof Error) {
    problem.detail = error.message;
  }
  return problem;
}

function statusOf(error: unknown): number {
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
