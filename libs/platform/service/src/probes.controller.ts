import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HEALTH_INDICATORS, Metrics, type HealthIndicator } from '@shopflow/platform/observability';
import { ReadinessMetrics } from './readiness-metrics';

/** Liveness, readiness and Prometheus metrics: for the orchestrator and the scraper, not for clients. */
@ApiExcludeController()
@Controller()
export class ProbesController {
  private readonly readiness: ReadinessMetrics;

  constructor(
    @Inject(HEALTH_INDICATORS) indicators: HealthIndicator[],
    private readonly metrics: Metrics,
  ) {
    this.readiness = new ReadinessMetrics(metrics, indicators);
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    const readiness = await this.readiness.evaluate();
    await reply
      .status(readiness.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send(readiness);
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape() {
    return this.metrics.registry.metrics();
  }
}
