import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, OUTBOX_INDEX, type WithOutbox } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { SlaTargetName } from './case-sla';

/**
 * A missed target escalated to one level, claimed once: `breach:<case>:<target>:<level>`; or
 * (level 0) the reminder before the target, `remind:<case>:<target>`, `escalatedTo` naming who
 * was reminded.
 */
export interface SlaBreachDocument extends WithOutbox {
  _id: string;
  caseId: string;
  target: SlaTargetName;
  level: number;
  escalatedTo: string;
  dueAt: Date;
  at: Date;
}

const COLLECTION = 'sla_breaches';

@Injectable()
export class SlaBreachesRepository implements OnModuleInit {
  readonly collection: mongo.Collection<SlaBreachDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<SlaBreachDocument>(COLLECTION);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { caseId: 1 }, name: 'case' },
      OUTBOX_INDEX,
    ]);
  }

  /** True for the one replica whose insert claimed the escalation. */
  claim(breach: SlaBreachDocument): Promise<boolean> {
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(breach)));
  }

  ofCase(caseId: string): Promise<SlaBreachDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ caseId }, { projection: { outbox: 0 } })
        .sort({ at: 1 })
        .toArray(),
    );
  }
}
