import { Controller, Get, Header, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  checkReadiness,
  HEALTH_INDICATORS,
  Metrics,
  type HealthIndicator,
} from '@shopflow/platform/observability';

/** Liveness, readiness and Prometheus metrics: for the orchestrator and the scraper, not for clients. */
@ApiExcludeController()
@Controller()
export class ProbesController {
  constructor(
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply) {
    const readiness = await checkReadiness(this.indicators);
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
