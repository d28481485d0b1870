import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemHeaders, toProblem } from './problem-details';

/** Every error leaving a controller becomes `application/problem+json`; 5xx are logged, not shown. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    // Nest also routes Fastify's own errors (malformed JSON, body too large) here.
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(exception, request.url);
    problem.correlationId = request.id;
    if (problem.status >= 500) this.logger.error(exception instanceof Error ? exception : String(exception));
    const reply = http.getResponse<FastifyReply>();
    void reply.headers(problemHeaders(exception));
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
