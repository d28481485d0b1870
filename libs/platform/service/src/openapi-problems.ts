import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

type Operation = {
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: unknown }>;
};

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', example: 'about:blank' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable code, e.g. USER.EMAIL_TAKEN' },
    correlationId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const PROBLEM_CONTENT = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } };

/** Errors every operation can answer, whatever its controller declares. */
const COMMON = {
  '400': 'The request is invalid: malformed JSON, a failing field (listed in `errors`), a bad URL',
  '500': 'An unexpected error; the body carries only the correlation id',
};
const WITH_BODY = {
  '413': 'The body is larger than 1 MiB',
  '415': 'The body is not application/json',
};

/**
 * Every error response in the document gets the problem schema, and every operation lists the errors
 * the platform itself can answer (400 and 500; 413 and 415 with a body; 414 with a path parameter),
 * so a client generated from the document knows the shape of every failure.
 */
export function documentProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...document.components.schemas, Problem: PROBLEM_SCHEMA };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const responses = (operation.responses = operation.responses ?? {});
      const platform: Record<string, string> = { ...COMMON };
      if (operation.requestBody) Object.assign(platform, WITH_BODY);
      if (path.includes('{')) platform['414'] = 'A path parameter is longer than any id this API uses';
      for (const [status, description] of Object.entries(platform))
        responses[status] = responses[status] ?? { description };
      for (const [status, response] of Object.entries(responses))
        if (/^[45]/.test(status)) response.content = PROBLEM_CONTENT;
    }
  }
  return document;
}
