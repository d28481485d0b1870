import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER } from '@shopflow/platform/observability';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details';
import { SECURITY_HEADERS } from './security-headers';

const DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is not valid: a path segment is not well-formed percent-encoded UTF-8.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than any id this API uses.',
};

/**
 * Fastify answers a few errors before any route, hook or Nest filter runs (a malformed or oversized
 * path). This gives them the same problem+json body as every other error. The offending URL is not
 * echoed: it is what the attacker chose, and may be huge.
 */
export function answerFrameworkError(
  error: Error & { code?: string; statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // The errors Fastify routes here are the client's (bad URL, 414), but one is its own (an async
  // route constraint that threw): that stays a 5xx, with nothing of it shown.
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 400;
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Bad Request',
    status,
    detail:
      status >= 500
        ? 'An unexpected error occurred.'
        : (DETAILS[error.code ?? ''] ?? 'The request is invalid.'),
    correlationId: request.id,
  };
  // No route, so no hooks: the headers every response carries are set here.
  void reply
    .status(status)
    .headers({ ...SECURITY_HEADERS, [CORRELATION_HEADER]: request.id, 'content-type': PROBLEM_CONTENT_TYPE })
    .send(problem);
}

/**
 * Node's HTTP parser rejects some requests before Fastify sees them (headers too large, a malformed
 * request line). Its answer is written straight to the socket; this writes problem+json instead.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const title = STATUS_CODES[status] ?? 'Bad Request';
  // No request was parsed, so none brought an id: one is made, for a caller to quote.
  const correlationId = randomUUID();
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail: 'The request could not be parsed.',
    correlationId,
  });
  const headers = Object.entries({
    ...SECURITY_HEADERS,
    [CORRELATION_HEADER]: correlationId,
    'content-type': PROBLEM_CONTENT_TYPE,
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
