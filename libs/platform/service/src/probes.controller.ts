import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HEALTH_INDICATORS, Metrics, type ReadinessIndicator } from '@shopflow/platform/observability';
import { checkReadiness, runHealthCheck } from './readiness-check';
import { ReadinessMetrics } from './readiness-metrics';

/** Liveness, readiness and Prometheus metrics: for the orchestrator and the scraper, not for clients. */
@ApiExcludeController()
@Controller()
export class ProbesController {
  private readonly readiness: ReadinessMetrics;

  constructor(
    @Inject(HEALTH_INDICATORS) indicators: ReadinessIndicator[],
    private readonly health: HealthCheckService,
    private readonly metrics: Metrics,
  ) {
    this.readiness = new ReadinessMetrics(metrics, () => checkReadiness(health, indicators));
  }

  /** The process answers: no dependency is checked, so an outage never gets a pod restarted. */
  @Get('health/live')
  async live(@Res() reply: FastifyReply) {
    await answer(reply, await runHealthCheck(this.health, []));
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    await answer(reply, await this.readiness.evaluate());
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape() {
    return this.metrics.registry.metrics();
  }
}

/** 200 when ok; 503 when a gating check is down or the service is shutting down. */
async function answer(reply: FastifyReply, result: HealthCheckResult): Promise<void> {
  await reply.status(result.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send(result);
}
