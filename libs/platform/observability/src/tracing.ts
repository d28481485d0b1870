import { z } from 'zod';

/**
 * Tracing is off unless TRACING_ZIPKIN_URL names a Zipkin-compatible collector. Off, not even the
 * SDK is loaded: @opentelemetry/api's no-op tracer and propagator answer every call the messaging
 * code makes, so the cost is a few function calls per event (measured in docs/benchmarks.md).
 */
export const tracingEnv = z.object({
  /** e.g. http://127.0.0.1:9411/api/v2/spans (what `npm start` runs). */
  // Empty is unset: compose passes `${TRACING_ZIPKIN_URL:-}` through when no backend is wanted.
  TRACING_ZIPKIN_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.url({ protocol: /^https?$/ }).optional(),
  ),
  /** Share of new traces kept (a trace continued from a caller follows the caller's decision). */
  TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
});

let stop: (() => Promise<void>) | undefined;

/**
 * Call first thing in main.ts, before anything loads `http` or `mysql2`: the instrumentations
 * patch those modules as they load. A bad variable stops the process with one line, like the
 * rest of the configuration.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): void {
  const parsed = tracingEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    process.stderr.write(`${service}: invalid configuration: ${problems}\n`);
    process.exit(1);
  }
  const { TRACING_ZIPKIN_URL: url, TRACING_SAMPLE_RATIO: ratio } = parsed.data;
  if (!url || stop) return;
  // Loaded only when tracing is on (see the module comment).
  const { enableTracing } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  stop = enableTracing({ service, url, sampleRatio: ratio });
}

/** Exports the spans still buffered; part of graceful shutdown. */
export async function stopTracing(): Promise<void> {
  await stop?.();
  stop = undefined;
}
