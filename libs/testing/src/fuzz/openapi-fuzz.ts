import {
  HOSTILE_CONTENT_TYPES,
  HOSTILE_HEADERS,
  HOSTILE_VALUES,
  MALFORMED_JSON,
  ODD_IDS,
  ODD_QUERY_VALUES,
} from './hostile-values';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  format?: string;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzCase {
  /** `POST /v1/orders body.lines=[[[]]]`: what was sent, to name a failure. */
  label: string;
  method: string;
  /** The operation's path template, e.g. /v1/orders/{id}. */
  operation: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Whether the request could change state if it were accepted (anything but GET). */
  mutating: boolean;
  /**
   * A body over the limit: the server answers 413 and closes without reading the rest, so the client
   * may see a reset instead of the answer (the 413's body is tested in-process, in platform-service).
   */
  oversized?: boolean;
}

export interface FuzzTarget {
  /** Real ids for path parameters of reads (a product that exists), by parameter name. */
  readIds?: Record<string, string>;
  /** The Authorization header of a caller allowed to reach the operation's validation. */
  authorization(path: string): string | undefined;
  /**
   * A valid body that still cannot change anything (`PATCH /v1/products/{id}` of a product that
   * does not exist, an order for an unknown product), by `METHOD /path/template`. The path, query
   * and header cases of those operations send it, so the handler itself meets the hostile part:
   * a header the handler parses (If-Match, Idempotency-Key) is never reached behind a body the
   * validation pipe already refused.
   */
  harmlessBodies?: Record<string, unknown>;
}

/**
 * A property no DTO declares. Every fuzzed body carries it, so validation must reject the body even
 * when the hostile value itself is acceptable: a rejected request must then change nothing.
 */
export const UNDECLARED_PROPERTY = 'fuzzUndeclared';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const UUID = '9b2d6f0e-1c3a-4e5b-8f7d-2a4c6e8b0d1f';

/** Every fuzz case for every operation of an OpenAPI document. */
export function fuzzCases(document: OpenApiDocument, target: FuzzTarget): FuzzCase[] {
  const resolve = (schema?: Schema): Schema | undefined =>
    schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
  const cases: FuzzCase[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(item)) {
      if (!METHODS.includes(verb)) continue;
      const method = verb.toUpperCase();
      const mutating = method !== 'GET';
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      const idFor = (name: string) => (mutating ? undefined : target.readIds?.[name]) ?? UUID;
      const pathWith = (overrides: Record<string, string> = {}) =>
        template.replace(/\{(\w+)\}/g, (_, name: string) => overrides[name] ?? idFor(name));
      const bodySchema = resolve(operation.requestBody?.content?.['application/json']?.schema);
      const plausible = bodySchema
        ? { ...plausibleBody(bodySchema, resolve), [UNDECLARED_PROPERTY]: true }
        : undefined;
      const authorization = target.authorization(template);
      const baseHeaders = (): Record<string, string> => ({
        ...(authorization ? { authorization } : {}),
        ...(plausible ? { 'content-type': 'application/json' } : {}),
      });
      const harmless = target.harmlessBodies?.[`${method} ${template}`];
      const reachingHandler = harmless === undefined ? {} : { body: JSON.stringify(harmless) };
      const add = (label: string, change: Partial<FuzzCase>) =>
        cases.push({
          label: `${method} ${template} ${label}`,
          method,
          operation: template,
          path: pathWith(),
          headers: baseHeaders(),
          body: plausible ? JSON.stringify(plausible) : undefined,
          mutating,
          ...change,
        });

      for (const name of pathParams)
        for (const id of ODD_IDS)
          add(`path.${name}=${id.slice(0, 40)}`, { ...reachingHandler, path: pathWith({ [name]: id }) });

      for (const { name } of parameters.filter((p) => p.in === 'query')) {
        const queries = [
          ...ODD_QUERY_VALUES.map((value) => `${name}=${value}`),
          `${name}=1&${name}=2`,
          `${name}[]=1`,
          `${name}[a]=1`,
          `${name}[__proto__]=1`,
        ];
        for (const query of queries)
          add(`query ${query.slice(0, 40)}`, { ...reachingHandler, path: `${pathWith()}?${query}` });
      }
      add('query __proto__', { path: `${pathWith()}?__proto__=1&constructor[prototype]=1` });

      if (plausible && bodySchema) {
        for (const body of MALFORMED_JSON) add(`body ${String(body).slice(0, 40)}`, { body });
        for (const property of Object.keys(bodySchema.properties ?? {}))
          for (const value of HOSTILE_VALUES)
            add(`body.${property}=${JSON.stringify(value)?.slice(0, 40)}`, {
              body: JSON.stringify({ ...plausible, [property]: value }),
            });
        for (const type of HOSTILE_CONTENT_TYPES)
          add(`content-type ${type}`, { headers: { ...baseHeaders(), 'content-type': type } });
        const { ['content-type']: _none, ...withoutType } = baseHeaders();
        add('no content-type', { headers: withoutType });
        add('body over 1 MiB', {
          body: JSON.stringify({ ...plausible, padding: 'x'.repeat(1_100_000) }),
          oversized: true,
        });
      }

      const headerNames = [
        'authorization',
        ...parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
      ];
      for (const header of headerNames)
        for (const value of HOSTILE_HEADERS[header] ?? [])
          add(`header ${header}: ${value.slice(0, 40)}`, {
            ...reachingHandler,
            headers: { ...baseHeaders(), [header]: value },
          });
    }
  }
  return cases;
}

/** A body with every property given a value of its declared type (not necessarily a valid one). */
function plausibleBody(schema: Schema, resolve: (s?: Schema) => Schema | undefined): Record<string, unknown> {
  const valueOf = (property: Schema | undefined, depth: number): unknown => {
    const s = resolve(property);
    if (!s || depth > 4) return null;
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    switch (s.type) {
      case 'integer':
      case 'number':
        return 1;
      case 'boolean':
        return true;
      case 'array':
        return [valueOf(s.items, depth + 1)];
      case 'object':
        return Object.fromEntries(
          Object.entries(s.properties ?? {}).map(([k, v]) => [k, valueOf(v, depth + 1)]),
        );
      default:
        return s.format === 'uuid' ? UUID : 'fuzz';
    }
  };
  return valueOf(schema, 0) as Record<string, unknown>;
}
