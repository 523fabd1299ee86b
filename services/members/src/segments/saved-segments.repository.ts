import { Injectable } from '@nestjs/common';
import { mongo, type Connection } from 'mongoose';
import { type SegmentCriteria, usesHealthCriteria } from '@crm/contracts';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';

export interface SavedSegment {
  _id: mongo.ObjectId;
  name: string;
  criteria: SegmentCriteria;
  /** Selects on health data: listed only to the roles that could have built it. */
  usesHealthCriteria: boolean;
  createdBy: string | null;
  createdAt: Date;
}

const COLLECTION = 'segments';

/** Named criteria; their members are evaluated when asked, so a segment never goes stale. */
@Injectable()
export class SavedSegmentsRepository {
  private readonly collection: mongo.Collection<SavedSegment>;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<SavedSegment>(COLLECTION);
  }

  async insert(segment: SavedSegment): Promise<void> {
    await dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(segment));
  }

  async findById(id: string): Promise<SavedSegment | null> {
    const segment = await dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: new mongo.ObjectId(id) }),
    );
    // Segments saved before the flag existed: their criteria tell.
    return (
      segment && {
        ...segment,
        usesHealthCriteria:
          usesHealthCriteria(segment.criteria) || segment.usesHealthCriteria === true,
      }
    );
  }
}
