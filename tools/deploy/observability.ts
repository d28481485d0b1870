import { collectDefaultMetrics, Registry } from 'prom-client';
import { servingContainers, type ComposeFile } from './compose-model';
import { filesUnder, parseYaml, readText } from './workspace';

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

/**
 * Prometheus's shopflow job scrapes every container docker-compose.yml runs for a service (each
 * replica) on the service's port, and nothing else: a target left over from a renamed container
 * would be a permanently failed scrape (and fire ServiceNotReady).
 */
export function scrapeTargetProblems(
  prometheusConfig: string,
  compose: ComposeFile,
  ports: Record<string, number>,
): string[] {
  const config = parseYaml(prometheusConfig) as {
    scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
  };
  const job = config.scrape_configs.find((c) => c.job_name === 'shopflow');
  const targets = (job?.static_configs ?? []).flatMap((c) => c.targets);
  const expected = Object.entries(ports).flatMap(([service, port]) =>
    servingContainers(compose, service).map((name) => `${name}:${port}`),
  );
  return [
    ...expected.filter((t) => !targets.includes(t)).map((t) => `prometheus does not scrape ${t}`),
    ...targets
      .filter((t) => !expected.includes(t))
      .map((t) => `prometheus scrapes ${t}, which no compose container serves on that port`),
  ];
}
