import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@crm/contracts';
import { currentTraceparent } from '@crm/observability';

/** A new event in the CONTRACTS.md §5 envelope, carrying the active trace. */
export function newEnvelope<T extends object>(input: {
  type: string;
  version?: number;
  source: string;
  key: string;
  payload: T;
  occurredAt?: Date;
}): EventEnvelope<T> {
  return {
    id: randomUUID(),
    type: input.type,
    version: input.version ?? 1,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    source: input.source,
    key: input.key,
    traceparent: currentTraceparent(),
    payload: input.payload,
  };
}

/** Kafka headers every produced event carries, so consumers can trace and dedupe before parsing. */
export function envelopeHeaders(envelope: EventEnvelope<unknown>): Record<string, string> {
  const headers: Record<string, string> = { 'event-id': envelope.id, 'event-type': envelope.type };
  if (envelope.traceparent) headers.traceparent = envelope.traceparent;
  return headers;
}
