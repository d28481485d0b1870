import type { FastifyInstance } from 'fastify';

/**
 * What every API response says about itself (OWASP REST Security Cheat Sheet): never sniff the
 * content type, never render in a frame, and never cache unless the route says so (a token response
 * must not land in a shared cache). HSTS belongs where TLS ends: the Ingress and the gateway.
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

/** On every response; a route may allow caching, and Swagger UI (/docs), when served, keeps its own policy. */
export function installSecurityHeaders(fastify: FastifyInstance, { docs }: { docs: boolean }): void {
  const swaggerUi = (url: string) => docs && (url === '/docs' || url.startsWith('/docs/'));
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-content-type-options', SECURITY_HEADERS['x-content-type-options']);
    if (!reply.hasHeader('cache-control'))
      void reply.header('cache-control', SECURITY_HEADERS['cache-control']);
    if (!swaggerUi(request.url.split('?')[0]!))
      void reply.header('content-security-policy', SECURITY_HEADERS['content-security-policy']);
    done(null, payload);
  });
}
