import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const PROBES = /^\/(health\/|metrics)/;

/**
 * A trace starts only where work enters a service: an HTTP request, a consumed or published
 * message. A database query or an outgoing call with no such parent (the relay's polling, the
 * exporter's own requests) records nothing, so traces are stories, not noise.
 */
class EntryPointSampler implements Sampler {
  constructor(private readonly ratio: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (kind === SpanKind.SERVER || kind === SpanKind.CONSUMER || kind === SpanKind.PRODUCER)
      return this.ratio.shouldSample(context, traceId, name, kind, attributes, links);
    return { decision: SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `EntryPointSampler{${this.ratio.toString()}}`;
  }
}

/** The OpenTelemetry SDK: W3C trace context, HTTP server and mysql2 spans, exported to Zipkin. */
export function enableTracing(options: {
  service: string;
  url: string;
  sampleRatio: number;
}): () => Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    sampler: new ParentBasedSampler({
      root: new EntryPointSampler(new TraceIdRatioBasedSampler(options.sampleRatio)),
    }),
    spanProcessors: [
      new BatchSpanProcessor(new ZipkinExporter({ url: options.url, serviceName: options.service }), {
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => PROBES.test(request.url ?? ''),
        // Outgoing HTTP is the exporter itself; services call each other only through Kafka.
        ignoreOutgoingRequestHook: () => true,
      }),
      new MySQL2Instrumentation(),
    ],
  });
  return () => provider.shutdown();
}
