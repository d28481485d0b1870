import { performance } from 'node:perf_hooks';
import { versionOf } from './catalog-writers';

/**
 * Staleness as a client sees it: an admin changes a product's price through one replica, and a
 * reader polls another replica (every 2 ms) until it serves the new price. Measured from the
 * write's answer (the commit) to the first read showing it; `samples` changes, one at a time,
 * while the benchmark's other writers and readers keep the machine busy.
 */
export async function measureStaleness(
  writer: string,
  reader: string,
  token: string,
  ids: string[],
  samples: number,
): Promise<number[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const lags: number[] = [];
  for (let n = 0; n < samples; n++) {
    const id = ids[n % ids.length]!;
    const current = await fetch(`${writer}/v1/products/${id}`);
    const version = versionOf(current.headers.get('etag'));
    await current.arrayBuffer();
    const priceCents = 1000 + n;
    const written = await fetch(`${writer}/v1/products/${id}`, {
      method: 'PATCH',
      headers: { ...headers, 'if-match': `"${version}"` },
      body: JSON.stringify({ priceCents }),
    });
    await written.arrayBuffer();
    if (written.status !== 200) continue; // a bench writer changed it first: not a sample
    const committed = performance.now();
    for (;;) {
      const read = (await (await fetch(`${reader}/v1/products/${id}`)).json()) as { priceCents: number };
      if (read.priceCents === priceCents) break;
      if (performance.now() - committed > 30_000) throw new Error(`replica never served ${id}'s new price`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    lags.push(performance.now() - committed);
  }
  return lags;
}

/**
 * The replica's own view: quantiles of catalog_cache_invalidation_lag_seconds (from a change's
 * commit to the replica dropping it), read from its /metrics as the upper bound of the bucket that
 * holds the quantile, in ms.
 */
export async function invalidationLagQuantiles(baseUrl: string, quantiles: number[]): Promise<number[]> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const buckets = [
    ...text.matchAll(/^catalog_cache_invalidation_lag_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/gm),
  ].map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }));
  const total = buckets.at(-1)?.count ?? 0;
  return quantiles.map((q) => (buckets.find((b) => b.count >= q * total)?.le ?? Number.NaN) * 1000);
}

/** Hits and misses per cache (product, page) from a replica's /metrics, for the report. */
export async function cacheCounts(baseUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^catalog_cache_requests_total\{cache="(\w+)",result="(\w+)"[^}]*\} (\d+)/gm)].map(
      ([, cache, result, count]) => [`${cache} ${result}`, Number(count)],
    ),
  );
}
