/** A dependency the service needs to do its work; `check` rejects with a short reason when it is down. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

/** DI token under which an app lists the indicators its readiness depends on. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export type CheckResult = { status: 'up' } | { status: 'down'; error: string };

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
      try {
        await Promise.race([indicator.check(), timeout]);
        return [indicator.name, { status: 'up' }];
      } catch (error) {
        return [
          indicator.name,
          { status: 'down', error: error instanceof Error ? error.message : String(error) },
        ];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checks = Object.fromEntries(results);
  return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'error', checks };
}
