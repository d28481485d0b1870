/**
 * A dependency of the service; `check` rejects with a short reason when it is down, and may
 * resolve with details worth showing. Only indicators that gate readiness (the default) can make
 * the service unready: the others (e.g. Kafka, which HTTP requests never wait for) are reported
 * in the details and in metrics, so an operator sees them without the pod leaving the load balancer.
 */
export interface HealthIndicator {
  readonly name: string;
  /** Default true. False: reported, never the reason for a 503. */
  readonly gatesReadiness?: boolean;
  check(): Promise<void | Record<string, unknown>>;
}

/** DI token under which an app lists the indicators its readiness depends on. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export type CheckResult = ({ status: 'up' } | { status: 'down'; error: string }) & {
  /** Present (false) on indicators that do not gate readiness. */
  gatesReadiness?: false;
  [detail: string]: unknown;
};

export interface Readiness {
  status: 'ok' | 'error';
  checks: Record<string, CheckResult>;
}

/** Runs every check concurrently, each bounded by `timeoutMs`, so a hung dependency cannot hang the probe. */
export async function checkReadiness(
  indicators: readonly HealthIndicator[],
  timeoutMs = 2000,
): Promise<Readiness> {
  const results = await Promise.all(
    indicators.map(async (indicator): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const gating = indicator.gatesReadiness === false ? { gatesReadiness: false as const } : {};
      try {
        const details = await Promise.race([indicator.check(), timeout]);
        return [indicator.name, { status: 'up', ...gating, ...details }];
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return [indicator.name, { status: 'down', error: reason, ...gating }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(results);
  const ready = results.every(([, r]) => r.status === 'up' || r.gatesReadiness === false);
  return { status: ready ? 'ok' : 'error', checks };
}
