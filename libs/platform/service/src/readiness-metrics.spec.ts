import { Metrics, type HealthIndicator } from '@shopflow/platform/observability';
import { ReadinessMetrics } from './readiness-metrics';

describe('ReadinessMetrics', () => {
  let up = true;
  const database: HealthIndicator = {
    name: 'database',
    check: async () => {
      if (!up) throw new Error('connection refused');
    },
  };
  const value = async (metrics: Metrics, name: string) =>
    (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;

  it('exposes readiness at scrape time and counts each change', async () => {
    const metrics = new Metrics('readiness-test');
    const readiness = new ReadinessMetrics(metrics, [database]);
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
