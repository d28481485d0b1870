import { ServiceUnavailableException } from '@nestjs/common';
import type {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorResult,
} from '@nestjs/terminus';
import type { ReadinessIndicator } from '@shopflow/platform/observability';

/**
 * Readiness in terminus's shape (`{ status, info, error, details }`). Terminus decides `status`
 * from the indicators that gate readiness; those that do not (Kafka, the consumer: ADR 0008) run
 * beside them and are added to `info` or `error` and to `details` with `gatesReadiness: false`, so
 * they show without ever turning a 200 into a 503. Each indicator bounds its own time.
 */
export async function checkReadiness(
  health: HealthCheckService,
  indicators: readonly ReadinessIndicator[],
): Promise<HealthCheckResult> {
  const gating = indicators.filter((indicator) => indicator.gatesReadiness !== false);
  const reported = indicators.filter((indicator) => indicator.gatesReadiness === false);
  const [gate, results] = await Promise.all([
    runHealthCheck(
      health,
      gating.map((indicator) => () => indicator.isHealthy()),
    ),
    Promise.all(reported.map((indicator) => indicator.isHealthy())),
  ]);
  const up: HealthIndicatorResult = {};
  const down: HealthIndicatorResult = {};
  for (const result of results) {
    for (const [key, detail] of Object.entries(result)) {
      (detail.status === 'up' ? up : down)[key] = { ...detail, gatesReadiness: false };
    }
  }
  return {
    status: gate.status,
    info: { ...gate.info, ...up },
    error: { ...gate.error, ...down },
    details: { ...gate.details, ...up, ...down },
  };
}

/**
 * `HealthCheckService.check`'s result, whether it returns it (ok) or throws it inside a 503 (error,
 * shutting_down): the probe answers with the body itself, not through the problem+json filter.
 */
export async function runHealthCheck(
  health: HealthCheckService,
  indicators: HealthIndicatorFunction[],
): Promise<HealthCheckResult> {
  try {
    return await health.check(indicators);
  } catch (error) {
    if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
    throw error;
  }
}
