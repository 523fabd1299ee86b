import { context, trace, TraceFlags } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { dbSpan, inSpan } from './tracing';

/** A context whose span came from another process, sampled there or not. */
const underRemoteParent = (traceFlags: TraceFlags) =>
  trace.setSpan(
    context.active(),
    trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags,
      isRemote: true,
    }),
  );

describe('database spans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  beforeAll(() => provider.register());
  afterAll(() => provider.shutdown());
  beforeEach(() => exporter.reset());

  it('are recorded under a sampled span', async () => {
    await inSpan('transition', () => dbSpan('complaints', 'find', async () => 'found'));
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      'mongodb find complaints',
      'transition',
    ]);
  });

  it('are not built under a span that is not sampled, and the call still runs', async () => {
    const notSampled = underRemoteParent(TraceFlags.NONE);
    const result = await context.with(notSampled, () =>
      dbSpan('complaints', 'find', async () => 'found'),
    );
    expect(result).toBe('found');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('follow a sampled parent from another process', async () => {
    const sampledRemote = underRemoteParent(TraceFlags.SAMPLED);
    await context.with(sampledRemote, () => dbSpan('complaints', 'find', async () => 'found'));
    expect(exporter.getFinishedSpans().map((span) => span.spanContext().traceId)).toEqual([
      '0af7651916cd43dd8448eb211c80319c',
    ]);
  });
});
