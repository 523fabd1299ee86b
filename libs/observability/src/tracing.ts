import {
  context,
  propagation,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

/**
 * Starts tracing for this process. Must run before anything imports `http`, so each
 * service's `main.ts` imports its `tracing.ts` first. Trace ids are always made (they
 * appear in logs and message headers); spans are recorded, sampled by `OTEL_SAMPLE_RATIO`,
 * only when an exporter is set (`OTEL_TRACES_EXPORTER=otlp|console`).
 */
export function initTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (provider) return;
  const exporter = env.OTEL_TRACES_EXPORTER ?? 'none';
  const ratio = Number(env.OTEL_SAMPLE_RATIO ?? '1');
  const spanProcessors: SpanProcessor[] = [];
  if (exporter === 'otlp') {
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: env.OTEL_EXPORTER_OTLP_ENDPOINT })),
    );
  } else if (exporter === 'console') {
    spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  }
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // With nowhere to send spans, none is recorded: trace ids are still made and carried
    // (logs, headers, envelopes), without the cost of building spans nobody reads.
    sampler:
      spanProcessors.length === 0
        ? new AlwaysOffSampler()
        : new ParentBasedSampler({
            root: new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? ratio : 1),
          }),
    spanProcessors,
  });
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbe(req.url) }),
    ],
  });
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

function isProbe(url: string | undefined): boolean {
  return !!url && (url.startsWith('/health') || url.startsWith('/metrics'));
}

export const tracer = () => trace.getTracer('pharmacy-crm');

/** The W3C `traceparent` of the active span, for NATS and Kafka headers and event envelopes. */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.spanContext().traceId;
}

export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Runs `fn` in a span; errors are recorded on the span and rethrown. */
export async function inSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> } = {},
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A client span around one database call, so a trace reaches into the store. Under a span not
 * sampled, this one would not be either (parent-based sampling): the call then runs without
 * building it, which on a busy service was a few per cent of its CPU.
 */
export function dbSpan<T>(collection: string, operation: string, fn: () => Promise<T>): Promise<T> {
  const parent = trace.getSpan(context.active());
  if (parent && (parent.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return fn();
  return inSpan(`mongodb ${operation} ${collection}`, () => fn(), {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system': 'mongodb',
      'db.collection.name': collection,
      'db.operation.name': operation,
    },
  });
}

export { SpanKind };
