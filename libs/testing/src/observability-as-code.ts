import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const WORKSPACE = join(__dirname, '../../..');
const DASHBOARDS = 'deploy/observability/grafana/dashboards';
const RULES = 'deploy/observability/prometheus/alerts.yml';

/** Series Prometheus makes itself, not the services: a query may name them. */
export const PROMETHEUS_SERIES = new Set(['up']);

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Label matchers, ranges, strings, grouping lists and
 * function names are not metric names; a histogram's _bucket/_count/_sum series name the histogram.
 */
export function metricsInPromQL(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w.$:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![a-zA-Z0-9_:]|\s*\()/g)]
    .map((m) => m[1]!)
    .filter((name) => !KEYWORDS.has(name.toLowerCase()))
    .map((name) => name.replace(/_(bucket|count|sum)$/, ''));
  return [...new Set(names)];
}

/** Every `expr` in a dashboard (panels, rows, nested panels). */
export function dashboardExpressions(dashboard: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') found.push(value);
        else walk(value);
      }
  };
  walk(dashboard);
  return found;
}

/** Where each query of the committed dashboards and alert rules comes from, and what it reads. */
export function observabilityQueries(): { source: string; expr: string; metrics: string[] }[] {
  const dashboards = readdirSync(join(WORKSPACE, DASHBOARDS))
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) =>
      dashboardExpressions(JSON.parse(readFileSync(join(WORKSPACE, DASHBOARDS, name), 'utf8'))).map(
        (expr) => ({ source: `${DASHBOARDS}/${name}`, expr }),
      ),
    );
  const rules = (
    parse(readFileSync(join(WORKSPACE, RULES), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    }
  ).groups.flatMap((group) =>
    group.rules.map((rule) => ({ source: `${RULES} ${rule.alert}`, expr: rule.expr })),
  );
  return [...dashboards, ...rules].map((query) => ({ ...query, metrics: metricsInPromQL(query.expr) }));
}

/** Metric names in a Prometheus text exposition (its `# TYPE` lines), as a /metrics scrape returns it. */
export function exposedMetrics(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) /gm)].map((m) => m[1]!));
}

/** "source reads name, which no service exposes" for every query naming an unknown metric. */
export function unknownMetricProblems(
  queries: readonly { source: string; metrics: readonly string[] }[],
  exposed: ReadonlySet<string>,
): string[] {
  return queries.flatMap(({ source, metrics }) =>
    metrics
      .filter((name) => !exposed.has(name) && !PROMETHEUS_SERIES.has(name))
      .map((name) => `${source} reads ${name}, which no service exposes`),
  );
}
