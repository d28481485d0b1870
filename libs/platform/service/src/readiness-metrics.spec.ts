import type { HealthCheckResult } from '@nestjs/terminus';
import { Metrics } from '@shopflow/platform/observability';
import { ReadinessMetrics } from './readiness-metrics';

describe('ReadinessMetrics', () => {
  let up = true;
  const check = async (): Promise<HealthCheckResult> => {
    const database = { status: up ? ('up' as const) : ('down' as const) };
    return up
      ? { status: 'ok', info: { database }, error: {}, details: { database } }
      : { status: 'error', info: {}, error: { database }, details: { database } };
  };
  const value = async (metrics: Metrics, name: string) =>
    (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;

  it('exposes readiness at scrape time and counts each change', async () => {
    const metrics = new Metrics('readiness-test');
    const readiness = new ReadinessMetrics(metrics, check);
    up = true;
    expect(await value(metrics, 'service_ready')).toBe(1);
    up = false;
    expect(await value(metrics, 'service_ready')).toBe(0);
    await readiness.evaluate(); // a probe while still down: no change
    up = true;
    await readiness.evaluate();
    expect(await value(metrics, 'service_readiness_changes_total')).toBe(2);
  });
});
