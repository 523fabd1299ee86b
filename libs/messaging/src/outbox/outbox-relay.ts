import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import type { mongo } from 'mongoose';
import type { Logger } from 'pino';
import { outboxRelayed } from '@crm/observability';
import { envelopeHeaders } from '../kafka/envelope';
import { PENDING_OUTBOX, type OutboxEntry, type WithOutbox } from './outbox';

type OutboxDocument = WithOutbox & { _id: unknown };

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize?: number;
}

/**
 * Moves events from documents' outboxes to Kafka. An event leaves the outbox only after the
 * broker acknowledged it, so a broker outage or a crash delays events and never loses one;
 * a crash between the acknowledgement and the pull sends it again, which consumers absorb
 * by event id. Writes call `nudge()` so events go out at once rather than on the next poll.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pendingNudge = false;

  constructor(
    private readonly collections: mongo.Collection<OutboxDocument>[],
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the batch in hand finish, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  nudge(): void {
    this.pendingNudge = true;
    this.wake?.();
  }

  /** Relays everything pending now; returns how many events went out. */
  async drainOnce(): Promise<number> {
    let sent = 0;
    for (const collection of this.collections) {
      const docs = await collection
        .find(PENDING_OUTBOX as never, {
          projection: { outbox: 1 },
          limit: this.options.batchSize ?? 200,
        })
        .toArray();
      if (docs.length === 0) continue;
      sent += await this.publish(docs.flatMap((doc) => doc.outbox ?? []));
      await this.removeSent(collection, docs);
    }
    return sent;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.pendingNudge = false;
      try {
        const sent = await this.drainOnce();
        failures = 0;
        if (sent > 0 || this.pendingNudge) continue;
      } catch (error) {
        failures++;
        this.logger.warn({ err: error, failures }, 'outbox relay failed; events stay queued');
      }
      await this.idle(
        failures === 0 ? this.options.pollMs : Math.min(5000, this.options.pollMs * 2 ** failures),
      );
    }
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([sleep(ms), new Promise<void>((resolve) => (this.wake = resolve))]).finally(
      () => {
        this.wake = undefined;
      },
    );
  }

  private async publish(entries: OutboxEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const byTopic = new Map<string, OutboxEntry[]>();
    for (const entry of entries)
      byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map(({ envelope }) => ({
          key: envelope.key,
          value: JSON.stringify(envelope),
          headers: envelopeHeaders(envelope),
        })),
      })),
    });
    for (const [topic, list] of byTopic) outboxRelayed().inc({ topic }, list.length);
    return entries.length;
  }

  /**
   * Pulls exactly the sent entries, by whole value (FerretDB's `$pull` takes no conditions),
   * so entries queued meanwhile stay for the next pass. One update at a time: FerretDB v1.24
   * on PostgreSQL stops answering when a bulk write carries dozens of these updates.
   */
  private async removeSent(
    collection: mongo.Collection<OutboxDocument>,
    docs: OutboxDocument[],
  ): Promise<void> {
    for (const doc of docs) {
      await collection.updateOne(
        { _id: doc._id } as never,
        { $pullAll: { outbox: doc.outbox ?? [] } } as never,
      );
    }
  }
}
