import { createConnection } from 'mysql2/promise';
import type { FuzzCase } from './openapi-fuzz';

export interface FuzzOutcome {
  fuzzCase: FuzzCase;
  status: number;
  contentType: string;
  body: string;
  /** Set when the request failed or timed out instead of getting an answer. */
  error?: string;
}

/** Sends the cases to a base URL, a few at a time; a request that takes longer than timeoutMs hangs. */
export async function sendFuzzCases(
  baseUrl: (fuzzCase: FuzzCase) => string,
  cases: FuzzCase[],
  { concurrency = 8, timeoutMs = 10_000 } = {},
): Promise<FuzzOutcome[]> {
  const outcomes: FuzzOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const fuzzCase = cases[next++]!;
      try {
        const response = await fetch(`${baseUrl(fuzzCase)}${fuzzCase.path}`, {
          method: fuzzCase.method,
          headers: fuzzCase.headers,
          body: fuzzCase.body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        outcomes.push({
          fuzzCase,
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          body: await response.text(),
        });
      } catch (error) {
        outcomes.push({ fuzzCase, status: 0, contentType: '', body: '', error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

/** What is wrong with an outcome, or undefined: no 5xx, no hang, every 4xx problem+json, no accepted mutation. */
export function fuzzProblem({ fuzzCase, status, contentType, body, error }: FuzzOutcome): string | undefined {
  const name = fuzzCase.label;
  if (error)
    return fuzzCase.oversized && !/timeout|abort/i.test(error) ? undefined : `${name}: no answer (${error})`;
  if (fuzzCase.oversized && status !== 413) return `${name}: ${status} instead of 413`;
  if (status >= 500) return `${name}: ${status} ${body.slice(0, 200)}`;
  if (status >= 400) {
    if (!contentType.startsWith('application/problem+json')) return `${name}: ${status} as ${contentType}`;
    try {
      if ((JSON.parse(body) as { status?: unknown }).status !== status)
        return `${name}: problem body says another status than ${status}`;
    } catch {
      return `${name}: ${status} problem body is not JSON`;
    }
    return undefined;
  }
  if (fuzzCase.mutating) return `${name}: accepted with ${status}`;
  return undefined;
}

/**
 * A fingerprint of a schema's data: CHECKSUM TABLE of every table but the ones named (a failed login
 * is recorded by design). Equal before and after means the requests in between changed nothing.
 */
export async function databaseFingerprint(
  url: string,
  except: string[] = [],
): Promise<Record<string, string>> {
  const connection = await createConnection(url);
  try {
    const [tables] = await connection.query('SHOW TABLES');
    const names = (tables as Record<string, string>[])
      .map((row) => Object.values(row)[0]!)
      .filter((name) => !except.includes(name));
    if (names.length === 0) return {};
    const [sums] = await connection.query(
      `CHECKSUM TABLE ${names.map((n) => connection.escapeId(n)).join(', ')}`,
    );
    return Object.fromEntries(
      (sums as { Table: string; Checksum: string | number }[]).map((r) => [r.Table, String(r.Checksum)]),
    );
  } finally {
    await connection.end();
  }
}
