import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import type { mongo } from 'mongoose';
import type { Logger } from 'pino';
import { failpoint } from '@crm/config';
import { outboxRelayed } from '@crm/observability';
import { sendEvents } from '../kafka/envelope';
import { forEachConcurrently } from '../concurrency';
import { PENDING_OUTBOX, type OutboxEntry, type WithOutbox } from './outbox';

type OutboxDocument = WithOutbox & { _id: unknown };

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize?: number;
  /** Runs a write to one document in turn with the process's other writes to it (KeyedLock). */
  serialize?: (collection: string, id: unknown, write: () => Promise<void>) => Promise<void>;
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
      failpoint('outbox.published'); // sent, not yet taken out: a crash here sends them again
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
    await sendEvents(this.producer, entries);
    for (const { topic } of entries) outboxRelayed().inc({ topic });
    return entries.length;
  }

  /**
   * Takes the sent entries out. Usually the outbox holds exactly what was sent, and one update
   * (matched on that whole value) clears it with its flag; if events were queued meanwhile, only
   * the sent ones are pulled (by whole value: FerretDB's `$pull` takes no conditions) and the
   * flag stays for the next pass. A few updates run at once; FerretDB v1.24 on PostgreSQL stops
   * answering when a single bulk write carries dozens of them.
   */
  private async removeSent(
    collection: mongo.Collection<OutboxDocument>,
    docs: OutboxDocument[],
  ): Promise<void> {
    const serialize = this.options.serialize ?? ((_collection, _id, write) => write());
    await forEachConcurrently(docs, RELAY_WRITE_CONCURRENCY, (doc) =>
      serialize(collection.collectionName, doc._id, () => clearSent(collection, doc)),
    );
  }
}

async function clearSent(
  collection: mongo.Collection<OutboxDocument>,
  doc: OutboxDocument,
): Promise<void> {
  const sent = doc.outbox ?? [];
  const cleared = await collection.updateOne(
    { _id: doc._id, outbox: sent } as never,
    { $unset: { outbox: '', outboxPending: '' } } as never,
  );
  if (cleared.matchedCount === 0)
    await collection.updateOne({ _id: doc._id } as never, { $pullAll: { outbox: sent } } as never);
}

const RELAY_WRITE_CONCURRENCY = 8;
