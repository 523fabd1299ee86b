import { trace } from '@opentelemetry/api';
import pino, { type LoggerOptions } from 'pino';

/** Every line carries the active trace and span ids, so one request can be followed across services. */
export function traceMixin(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    mixin: traceMixin,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Tokens and personal data never reach the logs.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.phone', '*.email', '*.name'],
      censor: '[redacted]',
    },
  };
}

/** A plain pino logger for scripts and code outside Nest's container. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info') {
  return pino(loggerOptions(service, level));
}
