import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Admin writes to the given products at a fixed rate, alternating a stock adjustment (+1) and a price
 * change with `If-Match` (which bumps the version, writes an outbox row and so a Kafka event). A
 * 409 from two writers racing on one product is counted, and the writer re-reads the version.
 */
export function startCatalogWriters(baseUrl: string, token: string, ids: string[], perSecond: number) {
  const versions = new Map<string, number>(ids.map((id) => [id, 1]));
  const counts = { stock: 0, price: 0, conflicts: 0 };
  const latencies: number[] = [];
  const failures: string[] = [];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const workers = 8;
  const periodMs = (1000 * workers) / perSecond;
  let stopped = false;

  async function write(n: number): Promise<void> {
    const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
    const t0 = performance.now();
    if (n % 2 === 0) {
      const response = await fetch(`${baseUrl}/v1/products/${id}/stock-adjustments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ delta: 1, reason: 'bench delivery' }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) failures.push(`stock adjustment: ${response.status}`);
      else counts.stock++;
    } else {
      const response = await fetch(`${baseUrl}/v1/products/${id}`, {
        method: 'PATCH',
        headers: { ...headers, 'if-match': `"${versions.get(id)}"` },
        body: JSON.stringify({ priceCents: 1000 + Math.floor(Math.random() * 59_000) }),
      });
      await response.arrayBuffer();
      if (response.status === 200) counts.price++;
      else if (response.status === 409) counts.conflicts++;
      else failures.push(`price change: ${response.status}`);
      if (response.status === 409) {
        const current = await fetch(`${baseUrl}/v1/products/${id}`);
        await current.arrayBuffer();
        versions.set(id, versionOf(current.headers.get('etag')));
        return;
      }
      versions.set(id, versionOf(response.headers.get('etag')));
    }
    latencies.push(performance.now() - t0);
  }

  const running = Array.from({ length: workers }, async (_, w) => {
    let next = performance.now() + (w * periodMs) / workers;
    for (let n = w; !stopped; n += workers) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      next = Math.max(next + periodMs, performance.now() - periodMs); // no bursts to catch up
      await write(n).catch((error: Error) => failures.push(error.message));
    }
  });

  return {
    /** Writes completed so far, and their latencies. */
    snapshot: () => ({ writes: counts.stock + counts.price, latencies: latencies.length }),
    counts,
    latencies,
    failures,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** A product's ETag is "<version>-<available>-<reserved>"; If-Match compares the version. */
export const versionOf = (etag: string | null) => Number(/^"(\d+)/.exec(etag ?? '')?.[1]);
