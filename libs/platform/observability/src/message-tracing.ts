import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/**
 * Messaging spans per the OpenTelemetry messaging conventions, across the transactional outbox:
 * a `create` span in the transaction that writes the event (its context is stored with the outbox
 * row and sent as the record's `traceparent` header), a `send` span for the relay's publish, and a
 * `process` span per consumed event, a child of the event's creation context. With tracing off,
 * every call here meets @opentelemetry/api's no-ops.
 */
const tracer = () => trace.getTracer('shopflow-messaging');
const TRACEPARENT = 'traceparent';

function contextOf(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { [TRACEPARENT]: traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** The traced ones of several messages: the first as a span's parent, every one as a link. */
function parentAndLinks(traceparents: readonly (string | null | undefined)[]): {
  parent?: Context;
  links: Link[];
} {
  const contexts = traceparents.map(contextOf).filter((c): c is Context => c !== undefined);
  const links = contexts.flatMap((c) => {
    const spanContext = trace.getSpanContext(c);
    return spanContext ? [{ context: spanContext }] : [];
  });
  return { parent: contexts[0], links };
}

/** Runs `work` with `span` current under `parent`; records a failure on the span; always ends it. */
async function runInSpan<T>(parent: Context, span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/** The `create` span of one event, ended at once; returns its traceparent to store, or null. */
export function traceNewMessage(
  topic: string,
  eventType: string,
  eventId: string,
  causeTraceparent?: string,
): string | null {
  // An event caused by a consumed one continues that event's trace, even when the handler runs in
  // a chunk's span (which belongs to the chunk's first event only).
  const parent = contextOf(causeTraceparent) ?? context.active();
  const span = tracer().startSpan(
    `create ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'create',
        'messaging.destination.name': topic,
        'messaging.message.id': eventId,
        'shopflow.event.type': eventType,
      },
    },
    parent,
  );
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), carrier);
  span.end();
  return carrier[TRACEPARENT] ?? null;
}

/**
 * The relay's `send` span for one publish of `traceparents.length` events: a child of the first
 * event's creation (so a single event's trace shows its publish) and linked to every event's.
 */
export async function traceSend<T>(
  topic: string,
  traceparents: readonly (string | null)[],
  send: () => Promise<T>,
): Promise<T> {
  const { parent, links } = parentAndLinks(traceparents);
  if (!parent) return send();
  const span = tracer().startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.batch.message_count': traceparents.length,
      },
    },
    parent,
  );
  return runInSpan(parent, span, send);
}

export interface ProcessedMessage {
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  eventId: string;
  eventType: string;
  traceparent?: string;
}

function processAttributes(message: ProcessedMessage) {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': message.topic,
    'messaging.destination.partition.id': String(message.partition),
    'messaging.consumer.group.name': message.consumerGroup,
    'shopflow.event.type': message.eventType,
  };
}

/** Runs a handler inside the `process` span of one event, continuing the producer's trace. */
export async function traceProcess<T>(message: ProcessedMessage, handle: () => Promise<T>): Promise<T> {
  const parent = contextOf(message.traceparent) ?? ROOT_CONTEXT;
  const span = tracer().startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...processAttributes(message),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.message.id': message.eventId,
      },
    },
    parent,
  );
  return runInSpan(parent, span, handle);
}

/**
 * One `process` span for events a handler applies in one call (a chunk handler): a child of the
 * first traced event's creation and linked to every traced event's, as the relay's `send` span
 * is. Events the handler emits continue their own cause's trace (`traceNewMessage`).
 */
export async function traceProcessChunk<T>(
  messages: readonly ProcessedMessage[],
  handle: () => Promise<T>,
): Promise<T> {
  const [first] = messages;
  if (!first) return handle();
  if (messages.length === 1) return traceProcess(first, handle);
  const traced = parentAndLinks(messages.map((m) => m.traceparent));
  const parent = traced.parent ?? ROOT_CONTEXT;
  const { links } = traced;
  const span = tracer().startSpan(
    `process ${first.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: { ...processAttributes(first), 'messaging.batch.message_count': messages.length },
    },
    parent,
  );
  return runInSpan(parent, span, handle);
}
