import { machine, summarize } from './bench-infra';
import type { LoadResult } from './http-load';

export interface Measured extends LoadResult {
  /** Share of the machine's CPU used by processes other than this benchmark's (NaN if unknown). */
  others: number;
  /** For the mean of two measurements: how far apart their throughputs were, relative to the mean. */
  spread?: number;
}

type Reads = { byId: Measured; bareById: Measured; page: Measured; barePage: Measured };

export interface CatalogReport {
  settings: {
    cache: string;
    database: string;
    products: number;
    connections: number;
    seconds: number;
    warmUpSeconds: number;
    poolSize: string;
    page: string;
    writesPerSecond: number;
  };
  byId: { service: Measured; bare: Measured };
  pageReads: { service: Measured; bare: Measured };
  quiet: Reads;
  busy: Reads;
  hotProducts: number;
  writes: {
    rate: number;
    latency: { p50: number; p99: number };
    counts: { stock: number; price: number; conflicts: number };
  };
  staleness: number[];
  /** Replica A's cache_requests_total by "cache result", over the whole run. */
  cacheCounts: Record<string, number>;
  invalidationLag: { p50: number; p99: number };
}

/** bench:catalog's printed tables. */
export function printCatalogReport(report: CatalogReport): void {
  const { settings: run, byId, pageReads: page, quiet, busy, staleness, writes } = report;
  const f = (n: number) => Math.round(n).toLocaleString('en');
  const ms = (n: number) => n.toFixed(1).padStart(7);
  const pct = (n: number) => (Number.isNaN(n) ? '?' : `${Math.round(n * 100)}%`).padStart(7);
  const row = (label: string, r: Measured, extra = '') =>
    `${label.padEnd(44)}${f(r.requestsPerSecond).padStart(9)} ${ms(r.p50)} ${ms(r.p99)} ${pct(r.others)}` +
    `${r.spread === undefined ? '' : ` ±${Math.round((r.spread * 100) / 2)}%`.padStart(6)}${extra}`;
  const ratio = (a: Measured, b: Measured) =>
    `   ${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)} of bare`;
  const header =
    `${''.padEnd(44)}${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ` +
    `${'others'.padStart(7)}`;
  console.log(
    `\ncatalog benchmark — read cache: ${run.cache}; ${machine()}, ${run.database}; ${run.products.toLocaleString('en')} products; ` +
      `${run.connections} connections, ${run.seconds} s per measurement after ${run.warmUpSeconds} s of warm-up; ` +
      'load generator (autocannon) in the bench process, the service and the bare server each in their own process, ' +
      `pool of ${run.poolSize} connections each`,
  );
  console.log(
    '\n(1) the service against a bare Fastify + mysql2 server running the same SQL; each figure the mean ' +
      'of two measurements (± half their difference in req/s)',
  );
  console.log(header);
  console.log(row('GET /v1/products/:id  service', byId.service, ratio(byId.service, byId.bare)));
  console.log(row('                      bare', byId.bare));
  console.log(row(`GET ${run.page.slice(0, 18)}…  service`, page.service, ratio(page.service, page.bare)));
  console.log(row('                      bare', page.bare));
  console.log(`page: ${run.page}`);
  console.log(
    "others: the share of the machine's CPU used by processes other than the bench, the servers, MySQL (and Redis when it is the cache)",
  );
  console.log(
    `\n(2) reads of the ${report.hotProducts} products of the page's category and price range, without and with ` +
      'admins writing to the same products through the service',
  );
  console.log(header);
  const change = (a: Measured, b: Measured) =>
    `   ${(a.requestsPerSecond / b.requestsPerSecond).toFixed(2)} of quiet`;
  console.log(row('GET /v1/products/:id  service quiet', quiet.byId));
  console.log(row('                      service under writes', busy.byId, change(busy.byId, quiet.byId)));
  console.log(row('                      bare quiet', quiet.bareById));
  console.log(
    row('                      bare under writes', busy.bareById, change(busy.bareById, quiet.bareById)),
  );
  console.log(row('GET page              service quiet', quiet.page));
  console.log(row('                      service under writes', busy.page, change(busy.page, quiet.page)));
  console.log(row('                      bare quiet', quiet.barePage));
  console.log(
    row('                      bare under writes', busy.barePage, change(busy.barePage, quiet.barePage)),
  );
  console.log(
    `writes: ${writes.rate.toFixed(0)}/s achieved (target ${run.writesPerSecond}/s; half stock adjustments, ` +
      `half If-Match price changes), p50 ${writes.latency.p50.toFixed(1)} ms, p99 ${writes.latency.p99.toFixed(1)} ms; ` +
      `in all ${writes.counts.stock} stock adjustments, ${writes.counts.price} price changes, ` +
      `${writes.counts.conflicts} version conflicts (409)`,
  );
  const lag = summarize(staleness);
  console.log(
    `\n(3) staleness under the writes: from a price change's answer (replica A) until replica B serves it, ` +
      `${lag.n} changes: p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${Math.max(...staleness).toFixed(1)} ms ` +
      `(one read's latency included); replica B's invalidation lag (commit to entries dropped, every change ` +
      `it heard of): p50 ≤ ${report.invalidationLag.p50} ms, p99 ≤ ${report.invalidationLag.p99} ms (histogram bucket bounds)`,
  );
  const ratio100 = (area: string) => {
    const hits = report.cacheCounts[`${area} hit`] ?? 0;
    const all = hits + (report.cacheCounts[`${area} miss`] ?? 0);
    return all ? `${((hits / all) * 100).toFixed(1)} % of ${all.toLocaleString('en')}` : 'none';
  };
  console.log(
    `replica A's cache hits over the run: products ${ratio100('product')}, pages ${ratio100('page')}`,
  );
}
