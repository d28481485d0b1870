import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DynamicModule, Type } from '@nestjs/common';
import {
  CORRELATION_HEADER,
  correlationIdFrom,
  Metrics,
  PinoNestLogger,
  runWithCorrelationId,
  type Logger,
} from '@shopflow/platform/observability';
import { connectEventTransport } from '@shopflow/platform/messaging';
import { answerClientError, answerFrameworkError } from './framework-errors';
import { InputScreeningPipe } from './input-screening';
import { documentProblems } from './openapi-problems';
import { ProblemDetailsFilter } from './problem-details.filter';
import { installSecurityHeaders } from './security-headers';
import { createValidationPipe } from './validation.pipe';

export interface ServiceAppOptions {
  service: string;
  module: DynamicModule | Type;
  logger: Logger;
  /** Shown in the OpenAPI document. */
  description?: string;
  /** Addresses/CIDRs whose X-Forwarded-For is believed (TRUSTED_PROXIES); none by default. */
  trustedProxies?: string[];
  /** Serve Swagger UI at /docs and the document at /docs-json (API_DOCS); on unless stated. */
  docs?: boolean;
}

/**
 * Builds (but does not start) a service's HTTP application with everything a service shares:
 * correlation ids, JSON logs, the request duration histogram, problem+json errors, validation and
 * OpenAPI. A service that consumes events becomes a hybrid app with the event transport connected:
 * `app.init()` then `app.startAllMicroservices()` starts consuming. Tests use it directly with
 * `app.inject()`; `startService` adds listen and shutdown.
 */
export async function createServiceApp({
  service,
  module,
  logger,
  description,
  trustedProxies = [],
  docs = true,
}: ServiceAppOptions) {
  const adapter = new FastifyAdapter({
    // Fastify's own request logging stays off: the onResponse hook below logs one line per request.
    logger: false,
    genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers[CORRELATION_HEADER]),
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    // Only a listed proxy's X-Forwarded-For becomes request.ip; anyone else's is the client's own claim.
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Fastify's own JSON parser (with prototype-poisoning protection) is the only one: Nest would add
    // a form parser, and a form body would reach the DTO validators as strings.
    bodyParser: false,
  });

  connectEventTransport(app);
  const metrics = app.get(Metrics);
  const fastify = app.getHttpAdapter().getInstance();
  // The API speaks JSON only: any other body is a 415, not a string handed to a DTO validator.
  fastify.removeContentTypeParser('text/plain');
  installSecurityHeaders(fastify, { docs });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_HEADER, request.id);
    runWithCorrelationId(request.id, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route template (e.g. /v1/orders/:id), never the raw URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: reply.statusCode },
      seconds,
    );
    // Checked first: below info (LOG_LEVEL=warn) a request must not pay for a scope and a log object.
    if (logger.isLevelEnabled('info') && route !== '/metrics' && !route.startsWith('/health')) {
      runWithCorrelationId(request.id, () =>
        logger.info(
          {
            method: request.method,
            route,
            url: request.url,
            statusCode: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
          },
          'request completed',
        ),
      );
    }
    done();
  });
  // Once closing has begun, in-flight responses close their keep-alive connection; otherwise the
  // socket would sit idle after the last response and hold close() open until its keep-alive timeout.
  let draining = false;
  fastify.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) void reply.header('connection', 'close');
    done(null, payload);
  });

  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(new InputScreeningPipe(), createValidationPipe());
  if (!docs) return app;

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${service} service`)
      .setDescription(description ?? '')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  documentProblems(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
