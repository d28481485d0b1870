import type { FastifyInstance } from 'fastify';

/**
 * What every API response says about itself (OWASP REST Security Cheat Sheet): never sniff the
 * content type, never render in a frame, and never cache unless the route says so (a token response
 * must not land in a shared cache). Swagger UI needs scripts and styles, so /docs keeps its own
 * policy. HSTS belongs where TLS ends: the Ingress and the gateway.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    if (!request.url.startsWith('/docs'))
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    done(null, payload);
  });
}
