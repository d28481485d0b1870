import { observabilityQueries, unknownMetricProblems } from '@shopflow/testing';
import type { ComposeFile } from './compose-model';
import { definedMetrics, scrapeTargetProblems } from './observability';
import { loadServiceDatabases, parseYaml, readText } from './workspace';

const ports = Object.fromEntries(loadServiceDatabases().map((d) => [d.service, d.port]));
const prometheus = readText('deploy/compose/prometheus/prometheus.yml');
const compose = parseYaml(readText('docker-compose.yml')) as ComposeFile;

describe('observability profile', () => {
  it('Prometheus scrapes every replica of every service on its port', () => {
    expect(scrapeTargetProblems(prometheus, compose, ports)).toEqual([]);
    expect(
      scrapeTargetProblems(
        prometheus.replace("'order-2:3003'", "'order-2:3030'").replace("'catalog-1:3002', ", ''),
        compose,
        ports,
      ),
    ).toEqual([
      'prometheus does not scrape catalog-1:3002',
      'prometheus does not scrape order-2:3003',
      'prometheus scrapes order-2:3030, which no compose container serves on that port',
    ]);
  });

  it('Prometheus loads the alert rules that compose mounts', () => {
    expect((parseYaml(prometheus) as { rule_files: string[] }).rule_files).toEqual([
      '/etc/prometheus/alerts.yml',
    ]);
    expect(readText('docker-compose.yml')).toContain(
      './deploy/observability/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro',
    );
  });

  it('the dashboards show the saga, the messaging layer and every service', () => {
    const read = new Set(observabilityQueries().flatMap((q) => q.metrics));
    for (const name of [
      'http_request_duration_seconds',
      'messaging_consumer_lag',
      'messaging_outbox_pending',
      'messaging_events_dead_lettered_total',
      'order_saga_outcomes_total',
      'order_saga_duration_seconds',
      'order_rejections_total',
      'order_pending_orders',
    ])
      expect(read).toContain(name);
  });

  it('every dashboard and alert rule queries only metrics the code defines', () => {
    expect(unknownMetricProblems(observabilityQueries(), definedMetrics())).toEqual([]);
  });

  it('the dashboards and alerts show the catalog cache: every cache metric is read', () => {
    const read = new Set(observabilityQueries().flatMap((q) => q.metrics));
    const cacheMetrics = [...definedMetrics()].filter((name) => name.startsWith('catalog_cache_'));
    expect(cacheMetrics.sort()).toEqual([
      'catalog_cache_backend_errors_total',
      'catalog_cache_backend_up',
      'catalog_cache_evictions_total',
      'catalog_cache_invalidation_lag_seconds',
      'catalog_cache_invalidations_total',
      'catalog_cache_requests_total',
    ]);
    expect(cacheMetrics.filter((name) => !read.has(name))).toEqual([]);
    expect(
      observabilityQueries().some(
        (q) => q.source.endsWith('CatalogCacheBackendDown') && q.metrics.includes('catalog_cache_backend_up'),
      ),
    ).toBe(true);
  });

  it('reports a metric the code does not define', () => {
    const queries = observabilityQueries().map((q) => ({
      ...q,
      metrics: q.metrics.map((m) => (m === 'messaging_outbox_pending' ? 'messaging_outbox_backlog' : m)),
    }));
    expect(unknownMetricProblems(queries, definedMetrics())).toContainEqual(
      expect.stringMatching(/reads messaging_outbox_backlog, which no service exposes$/),
    );
  });
});
