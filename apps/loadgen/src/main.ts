import { loadConfig, loadgenEnv, targetsOf } from './config';
import { LoadMetrics } from './load-metrics';
import { consoleLogger } from './log';
import { serveMetrics } from './metrics-server';
import { pace } from './pacer';
import { Shopper } from './scenario';
import { ShopClient } from './shop-client';

/**
 * `npm run loadgen` (or the compose observability profile): traffic for the dashboards and traces.
 * `main.js describe-config` prints the variables it reads, like the services.
 */
async function main(): Promise<number> {
  if (process.argv[2] === 'describe-config') {
    const keys = Object.keys(loadgenEnv.shape);
    process.stdout.write(`${JSON.stringify({ required: [], optional: keys })}\n`);
    return 0;
  }
  const config = loadConfig(process.env);
  if ('error' in config) {
    process.stderr.write(`loadgen: ${config.error}\n`);
    return 1;
  }
  const log = consoleLogger(config.LOADGEN_QUIET);
  const metrics = new LoadMetrics();
  const server = await serveMetrics(metrics, config.LOADGEN_METRICS_HOST, config.LOADGEN_METRICS_PORT);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.LOADGEN_METRICS_PORT;
  const targets = targetsOf(config);
  const shopper = new Shopper(new ShopClient(targets), metrics, log, {
    customers: config.LOADGEN_CUSTOMERS,
    cancelRatio: config.LOADGEN_CANCEL_RATIO,
    admin: { email: config.LOADGEN_ADMIN_EMAIL, password: config.LOADGEN_ADMIN_PASSWORD },
  });
  log(`registering ${config.LOADGEN_CUSTOMERS} customers at ${targets.auth}`);
  await shopper.prepare();
  log(
    `${config.LOADGEN_RATE} actions/s against ${[...new Set(Object.values(targets))].join(', ')}; ` +
      `metrics on http://${config.LOADGEN_METRICS_HOST}:${port}/metrics; Ctrl-C stops`,
  );
  const pacer = pace({
    rate: config.LOADGEN_RATE,
    maxInFlight: config.LOADGEN_MAX_IN_FLIGHT,
    act: () => shopper.act(),
    dropped: () => metrics.record('browse', 'dropped'),
  });
  const report = setInterval(async () => {
    const t = await metrics.totals();
    log(`ok ${t.ok}, rejected ${t.rejected}, errors ${t.error}, dropped ${t.dropped}`);
  }, 10_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (config.LOADGEN_DURATION_SECONDS > 0)
      setTimeout(resolve, config.LOADGEN_DURATION_SECONDS * 1000).unref();
  });
  clearInterval(report);
  await pacer.stop();
  const t = await metrics.totals();
  log(`stopped: ok ${t.ok}, rejected ${t.rejected}, errors ${t.error}, dropped ${t.dropped}`);
  await new Promise((resolve) => server.close(resolve));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`loadgen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
