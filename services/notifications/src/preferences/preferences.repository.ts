import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { findByIds } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import type { PreferencesDocument } from './contact-preferences';

const COLLECTION = 'contact_preferences';

/**
 * One document per member, written by a PUT (last writer wins, as the member's latest wish
 * should) or moved by a merge. Holds no address: channels, language, hours and zone only.
 */
@Injectable()
export class PreferencesRepository {
  readonly collection: mongo.Collection<PreferencesDocument>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<PreferencesDocument>(COLLECTION);
  }

  find(memberId: string): Promise<PreferencesDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: memberId }));
  }

  findMany(memberIds: string[]): Promise<Map<string, PreferencesDocument>> {
    return dbSpan(COLLECTION, 'find', () => findByIds(this.collection, memberIds));
  }

  async put(doc: PreferencesDocument): Promise<void> {
    await dbSpan(COLLECTION, 'replace', () =>
      this.collection.replaceOne({ _id: doc._id }, doc, { upsert: true }),
    );
  }

  async remove(memberId: string): Promise<void> {
    await dbSpan(COLLECTION, 'delete', () => this.collection.deleteOne({ _id: memberId }));
  }
}
