import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

const COLLECTION = 'complaint_effects_journal';

/**
 * One page of the effects journal (`effects-journal.ts`): the steps one replica inserted in
 * one minute, whose after-effects it owes until the page is flushed. `leaseUntil`: while it is
 * ahead, the page's holder is alive and no other replica touches the page.
 */
export interface JournalPage {
  _id: string;
  holder: string;
  openedAt: Date;
  leaseUntil: Date;
}

/** Stateless reads and writes of the journal's pages; the rules are in EffectsJournal. */
@Injectable()
export class EffectsJournalRepository {
  readonly collection: mongo.Collection<JournalPage>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<JournalPage>(COLLECTION);
  }

  /** Opens a page, or holds it again if it is there already (a takeover found it lapsed). */
  async open(id: string, holder: string, leaseUntil: Date): Promise<void> {
    const opened = await insertOnce(() =>
      dbSpan(COLLECTION, 'insert', () =>
        this.collection.insertOne({ _id: id, holder, openedAt: new Date(), leaseUntil }),
      ),
    );
    if (!opened) await this.take(id, holder, leaseUntil);
  }

  /** The holder's renewal; false when the page is no longer its own (taken over, flushed). */
  async renew(id: string, holder: string, leaseUntil: Date): Promise<boolean> {
    const renewed = await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id, holder }, { $set: { leaseUntil } }),
    );
    return renewed.matchedCount > 0;
  }

  /** Holds the page for `holder`, whoever held it. */
  async take(id: string, holder: string, leaseUntil: Date): Promise<void> {
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne({ _id: id }, { $set: { holder, leaseUntil } }),
    );
  }

  /** Every open page: a few per replica, so a read of them all (FerretDB sorts nothing down). */
  pages(): Promise<JournalPage[]> {
    return dbSpan(COLLECTION, 'find', () => this.collection.find({}).toArray());
  }

  /** Takes the page out of the journal, unless another holds it now. */
  async flush(id: string, holder: string): Promise<void> {
    await dbSpan(COLLECTION, 'delete', () => this.collection.deleteOne({ _id: id, holder }));
  }
}
