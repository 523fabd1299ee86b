import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { Topics } from '@crm/contracts';
import {
  eventIdFor,
  insertManyOnce,
  newEnvelope,
  OUTBOX_INDEX,
  withOutbox,
  type WithOutbox,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';

/**
 * One fact announced on care.events.v1: `_id` is the fact's cause (`plan.stopped:<plan>`,
 * `task.completed:<task>`), so announcing it again (a retry, another replica, a redelivery)
 * collides and sends nothing twice; the relay sends what the insert queued.
 */
export interface CareEventDocument extends WithOutbox {
  _id: string;
  type: string;
  at: Date;
}

export interface CareFact {
  type: string;
  /** What makes the fact unique (a plan id, a task id, an escalation id). */
  cause: string;
  /** The Kafka key: the member, so a member's events stay in order. */
  key: string;
  payload: object;
  at: Date;
}

const COLLECTION = 'care_events';

@Injectable()
export class CareEventsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CareEventDocument>;
  private readonly listeners: (() => void)[] = [];

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CareEventDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [OUTBOX_INDEX]);
  }

  /** The relay asks to hear of new events (it sends them at once rather than on its next poll). */
  onEmitted(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Queues the facts not announced before; returns how many were new. */
  async emit(...facts: CareFact[]): Promise<number> {
    if (facts.length === 0) return 0;
    const docs = facts.map((fact) => {
      const id = `${fact.type}:${fact.cause}`;
      return withOutbox<CareEventDocument>(
        { _id: id, type: fact.type, at: fact.at },
        {
          topic: Topics.careEvents,
          envelope: newEnvelope({
            id: eventIdFor(id),
            type: fact.type,
            source: 'care-plans',
            key: fact.key,
            occurredAt: fact.at,
            payload: fact.payload,
          }),
        },
      );
    });
    const taken = await insertManyOnce(() =>
      dbSpan(COLLECTION, 'insertMany', () => this.collection.insertMany(docs, { ordered: false })),
    );
    if (taken.size < docs.length) for (const listener of this.listeners) listener();
    return docs.length - taken.size;
  }
}
