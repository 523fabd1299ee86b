import { createHash, randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
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
  /** For events re-sent on redelivery: the same fact must carry the same id (see `eventIdFor`). */
  id?: string;
}): EventEnvelope<T> {
  return {
    id: input.id ?? randomUUID(),
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

/**
 * A stable event id for a fact that may be announced more than once (a redelivered input
 * re-publishes it): a name-based UUID (version 5 layout, SHA-1) of the parts, so consumers
 * deduplicate the copies by id as they do any redelivery.
 */
export function eventIdFor(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Events per produce request: keeps each record batch under the broker's 1 MB message limit. */
const EVENTS_PER_REQUEST = 500;

/** Sends events grouped by topic, acknowledged by every in-sync replica, in bounded requests. */
export async function sendEvents(
  producer: Producer,
  entries: readonly { topic: string; envelope: EventEnvelope<object> }[],
): Promise<void> {
  for (let start = 0; start < entries.length; start += EVENTS_PER_REQUEST) {
    const byTopic = new Map<string, EventEnvelope<object>[]>();
    for (const { topic, envelope } of entries.slice(start, start + EVENTS_PER_REQUEST)) {
      const envelopes = byTopic.get(topic);
      if (envelopes) envelopes.push(envelope);
      else byTopic.set(topic, [envelope]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, envelopes]) => ({
        topic,
        messages: envelopes.map((envelope) => ({
          key: envelope.key,
          value: JSON.stringify(envelope),
          headers: envelopeHeaders(envelope),
        })),
      })),
    });
  }
}
