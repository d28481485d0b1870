import {
  dashboardMetricProblems,
  definedMetrics,
  queriedMetrics,
  scrapeTargetProblems,
} from './observability';
import { loadServiceDatabases, readText } from './workspace';

const ports = Object.fromEntries(loadServiceDatabases().map((d) => [d.service, d.port]));
const dashboard = () =>
  JSON.parse(readText('deploy/observability/grafana/dashboards/shopflow-overview.json')) as unknown;
const prometheus = readText('deploy/compose/prometheus/prometheus.yml');

describe('observability profile', () => {
  it('Prometheus scrapes every service on its port', () => {
    expect(scrapeTargetProblems(prometheus, ports)).toEqual([]);
    expect(scrapeTargetProblems(prometheus.replace("'order:3003'", "'order:3030'"), ports)).toEqual([
      'prometheus does not scrape order:3003',
    ]);
  });

  it('the dashboard shows requests, outbox backlog, consumption and saga outcomes', () => {
    expect(queriedMetrics(dashboard())).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds',
        'messaging_outbox_pending',
        'messaging_events_consumed_total',
        'order_saga_outcomes_total',
      ]),
    );
  });

  it('the dashboard queries only metrics the code defines', () => {
    expect(dashboardMetricProblems(dashboard(), definedMetrics())).toEqual([]);
  });

  it('reports a metric the code does not define', () => {
    const renamed = JSON.parse(
      JSON.stringify(dashboard()).replace(/messaging_outbox_pending/g, 'messaging_outbox_backlog'),
    ) as unknown;
    expect(dashboardMetricProblems(renamed, definedMetrics())).toEqual([
      'dashboard queries messaging_outbox_backlog, which no service defines',
    ]);
  });
});
