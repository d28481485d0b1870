import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-correlation-id';

interface CorrelationScope {
  correlationId: string;
  /** Set while handling an event: the id of that event, so events it causes can name it. */
  causationId?: string;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Runs `fn` with a correlation id visible to every log line and outgoing event it causes. */
export function runWithCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

/** Runs an event handler in the scope of the event: its correlation id, and itself as the cause. */
export function runInEventScope<T>(scope: Required<CorrelationScope>, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function currentCausationId(): string | undefined {
  return storage.getStore()?.causationId;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's id only if it is short and printable (it ends up in logs and headers). */
export function correlationIdFrom(header: unknown): string {
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
}
