import { collectDefaultMetrics, Registry } from 'prom-client';
import { filesUnder, readText } from './workspace';

/**
 * The dashboards and alert rules query only metrics the code defines, and Prometheus scrapes every
 * service on its port. Metric names are read from the sources (`name: '…'` and
 * metrics.counter/gauge/histogram('…') under apps/ and libs/) plus prom-client's default metrics,
 * which every service's registry collects. (apps/e2e checks the same queries against real scrapes.)
 */
export function definedMetrics(read: (path: string) => string = readText): Set<string> {
  const files = [...filesUnder('apps', /\.ts$/), ...filesUnder('libs', /\.ts$/)].filter(
    (file) => !/\.(int-|e2e-)?spec\.ts$/.test(file),
  );
  const names = files.flatMap((file) =>
    [...read(file).matchAll(/(?:\.(?:counter|gauge|histogram)\(\s*|\bname:\s*)'([a-z_][a-z0-9_]*)'/g)].map(
      (m) => m[1]!,
    ),
  );
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  return new Set([...names, ...defaults.getMetricsAsArray().map((metric) => metric.name)]);
}

export function scrapeTargetProblems(prometheusConfig: string, ports: Record<string, number>): string[] {
  return Object.entries(ports)
    .filter(([service, port]) => !prometheusConfig.includes(`'${service}:${port}'`))
    .map(([service, port]) => `prometheus does not scrape ${service}:${port}`);
}
