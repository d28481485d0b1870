import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@shopflow/platform/observability';

/** A real JSON logger whose lines a test can read back. */
export function captureLogger(service = 'test', level = 'info'): { logger: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ service, level, destination }), lines: () => lines };
}
