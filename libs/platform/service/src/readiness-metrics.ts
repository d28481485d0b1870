import type { HealthCheckResult } from '@nestjs/terminus';
import type { Metrics } from '@shopflow/platform/observability';

/**
 * `service_ready` (1 or 0) and `service_readiness_changes_total`. Readiness is evaluated at every
 * probe and at every scrape; a change between two evaluations counts, so a service that flaps
 * between two scrapes still shows up (the ReadinessFlapping alert reads the counter).
 */
export class ReadinessMetrics {
  private last?: boolean;
  private readonly changes;

  constructor(
    metrics: Metrics,
    private readonly check: () => Promise<HealthCheckResult>,
  ) {
    this.changes = metrics.counter(
      'service_readiness_changes_total',
      'Times readiness went from ready to not ready or back',
      [],
    );
    const evaluate = () => this.evaluate();
    metrics.gauge('service_ready', 'Whether the readiness checks pass (1) or not (0)', [], async function () {
      this.set((await evaluate()).status === 'ok' ? 1 : 0);
    });
  }

  async evaluate(): Promise<HealthCheckResult> {
    const readiness = await this.check();
    this.record(readiness);
    return readiness;
  }

  record(readiness: HealthCheckResult): void {
    const ready = readiness.status === 'ok';
    if (this.last !== undefined && this.last !== ready) this.changes.inc();
    this.last = ready;
  }
}
