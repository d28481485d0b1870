import { fuzzCases, UNDECLARED_PROPERTY, type OpenApiDocument } from './openapi-fuzz';

const document: OpenApiDocument = {
  paths: {
    '/v1/things/{id}': {
      get: { parameters: [{ name: 'id', in: 'path' }] },
      patch: {
        parameters: [
          { name: 'id', in: 'path' },
          { name: 'If-Match', in: 'header' },
        ],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } },
        },
      },
    },
    '/v1/things': { get: { parameters: [{ name: 'page', in: 'query' }] } },
  },
  components: {
    schemas: {
      ThingDto: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          count: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

describe('fuzz cases from an OpenAPI document', () => {
  const cases = fuzzCases(document, {
    readIds: { id: 'real-id' },
    authorization: () => 'Bearer token',
  });
  const of = (prefix: string) => cases.filter((c) => c.label.startsWith(prefix));

  it('uses real ids for reads only, and a stranger id for every mutation', () => {
    expect(of('GET /v1/things/{id} header').every((c) => c.path === '/v1/things/real-id')).toBe(true);
    expect(of('PATCH /v1/things/{id} header').every((c) => !c.path.includes('real-id'))).toBe(true);
    expect(cases.filter((c) => c.mutating).every((c) => c.method !== 'GET')).toBe(true);
  });

  it('gives every body an undeclared property, so no fuzzed mutation can be valid', () => {
    const bodies = of('PATCH /v1/things/{id} body.').map((c) => JSON.parse(String(c.body)));
    expect(bodies.length).toBeGreaterThan(3 * 20);
    expect(bodies.every((b) => b[UNDECLARED_PROPERTY] === true)).toBe(true);
    expect(bodies.some((b) => b.name === '\ud800')).toBe(true);
  });

  it('covers path ids, query parameters, declared headers, Authorization and content types', () => {
    expect(of('GET /v1/things/{id} path.id=').length).toBeGreaterThan(10);
    expect(cases.some((c) => c.path === '/v1/things?page=1&page=2')).toBe(true);
    expect(cases.some((c) => c.path === '/v1/things?page[]=1')).toBe(true);
    expect(of('PATCH /v1/things/{id} header if-match:').length).toBeGreaterThan(5);
    expect(of('GET /v1/things header authorization:').length).toBeGreaterThan(5);
    expect(of('PATCH /v1/things/{id} content-type').length).toBeGreaterThan(5);
    expect(of('GET /v1/things content-type')).toEqual([]);
  });
});
