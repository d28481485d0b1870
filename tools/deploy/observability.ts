import { filesUnder, readText } from './workspace';

/**
 * The Grafana dashboard queries only metrics the code defines, and Prometheus scrapes every
 * service on its port. Metric names are read from the sources: `name: '…'` and
 * metrics.counter/gauge/histogram('…') under apps/ and libs/.
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
  return new Set(names);
}

/** Metric names in PromQL expressions, written as `name{…}` or `name[…]`; histogram series mapped to the histogram. */
export function queriedMetrics(dashboard: unknown): string[] {
  const expressions: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') expressions.push(value);
        else walk(value);
      }
  };
  walk(dashboard);
  const names = expressions.flatMap((expr) =>
    [...expr.matchAll(/\b([a-z_][a-z0-9_]*)\s*[{[]/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')),
  );
  return [...new Set(names)];
}

export function dashboardMetricProblems(dashboard: unknown, defined: Set<string>): string[] {
  return queriedMetrics(dashboard)
    .filter((name) => !defined.has(name))
    .map((name) => `dashboard queries ${name}, which no service defines`);
}

export function scrapeTargetProblems(prometheusConfig: string, ports: Record<string, number>): string[] {
  return Object.entries(ports)
    .filter(([service, port]) => !prometheusConfig.includes(`'${service}:${port}'`))
    .map(([service, port]) => `prometheus does not scrape ${service}:${port}`);
}
