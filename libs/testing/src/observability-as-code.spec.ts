import {
  exposedMetrics,
  metricsInPromQL,
  observabilityQueries,
  unknownMetricProblems,
} from './observability-as-code';

describe('metricsInPromQL', () => {
  it('finds metric names, not functions, labels, keywords, ranges or numbers', () => {
    expect(
      metricsInPromQL(
        'sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service", status_code=~"5.."}[5m])) / on (service) group_left sum(up) > 1e9 and service_ready == 0',
      ),
    ).toEqual(['http_request_duration_seconds', 'up', 'service_ready']);
    expect(metricsInPromQL('max by (service) (messaging_outbox_pending) > 1000')).toEqual([
      'messaging_outbox_pending',
    ]);
  });
});

describe('observability as code', () => {
  it('reads every dashboard and every alert rule', () => {
    const sources = new Set(observabilityQueries().map((q) => q.source.split(' ')[0]));
    expect([...sources].sort()).toEqual([
      'deploy/observability/grafana/dashboards/shopflow-messaging.json',
      'deploy/observability/grafana/dashboards/shopflow-saga.json',
      'deploy/observability/grafana/dashboards/shopflow-services.json',
      'deploy/observability/prometheus/alerts.yml',
    ]);
  });

  it('reports a query of a metric that is not exposed', () => {
    const exposed = exposedMetrics('# HELP service_ready x\n# TYPE service_ready gauge\nservice_ready 1\n');
    expect(
      unknownMetricProblems(
        [{ source: 'a.json', metrics: ['service_ready', 'up', 'service_readyness'] }],
        exposed,
      ),
    ).toEqual(['a.json reads service_readyness, which no service exposes']);
  });
});
