import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type Action = 'browse' | 'view' | 'place' | 'cancel' | 'check' | 'register';
export type Outcome = 'ok' | 'rejected' | 'error' | 'dropped';

/** The generator's own rates and errors, on its /metrics, next to the services' in Prometheus. */
export class LoadMetrics {
  readonly registry = new Registry();
  private readonly actions: Counter<'action' | 'outcome'>;
  private readonly duration: Histogram<'action'>;

  constructor() {
    this.registry.setDefaultLabels({ service: 'loadgen' });
    collectDefaultMetrics({ register: this.registry });
    this.actions = new Counter({
      name: 'loadgen_actions_total',
      help: 'Actions by outcome: ok (2xx), rejected (4xx), error (5xx or no answer), dropped (too many in flight)',
      labelNames: ['action', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'loadgen_action_duration_seconds',
      help: 'Time to the answer of one action',
      labelNames: ['action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  record(action: Action, outcome: Outcome, seconds?: number): void {
    this.actions.inc({ action, outcome });
    if (seconds !== undefined) this.duration.observe({ action }, seconds);
  }

  async totals(): Promise<Record<Outcome, number>> {
    const totals: Record<Outcome, number> = { ok: 0, rejected: 0, error: 0, dropped: 0 };
    for (const { labels, value } of (await this.actions.get()).values)
      totals[labels.outcome as Outcome] += value;
    return totals;
  }
}

export function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'rejected';
  return 'error';
}
