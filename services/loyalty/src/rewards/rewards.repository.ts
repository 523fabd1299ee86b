import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { RewardFields, RewardKind } from '@crm/contracts';
import { insertOnce, KeyedLock } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import { DEFAULT_REWARDS } from './default-rewards';

/** A catalogue reward: what points buy. */
export interface RewardDocument {
  _id: string; // the reward id redemptions name
  kind: RewardKind;
  name: string;
  points: number;
  active: boolean;
  /** Left to redeem; absent when unlimited. */
  stock?: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy?: string;
}

const COLLECTION = 'rewards';

/**
 * The reward catalogue's store. An admin's save and a redemption's stock change are writes to
 * one document: they go one at a time in this process (FerretDB updates are read, change, write).
 */
@Injectable()
export class RewardsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<RewardDocument>;
  private readonly writes = new KeyedLock();

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<RewardDocument>(COLLECTION);
  }

  /** Seeds the starting catalogue before the first read: missing ids only. */
  async onModuleInit(): Promise<void> {
    const at = new Date();
    for (const { rewardId, ...fields } of DEFAULT_REWARDS) await this.insert(rewardId, fields, at);
  }

  /** Adds a reward; false if its id is taken. */
  insert(id: string, fields: RewardFields, at: Date, by?: string): Promise<boolean> {
    const doc: RewardDocument = {
      _id: id,
      ...withoutUndefined(fields),
      createdAt: at,
      updatedAt: at,
      ...(by ? { updatedBy: by } : {}),
    };
    return insertOnce(() => dbSpan(COLLECTION, 'insert', () => this.collection.insertOne(doc)));
  }

  /** Replaces a reward's offer (PUT); null if there is no such reward. */
  replace(id: string, fields: RewardFields, at: Date, by?: string): Promise<RewardDocument | null> {
    return this.writes.run(id, async () => {
      const current = await this.find(id);
      if (!current) return null;
      const next: RewardDocument = {
        _id: id,
        ...withoutUndefined(fields),
        createdAt: current.createdAt,
        updatedAt: at,
        ...(by ? { updatedBy: by } : {}),
      };
      // A whole replacement: a stock left out means unlimited from now on.
      await dbSpan(COLLECTION, 'update', () => this.collection.replaceOne({ _id: id }, next));
      return next;
    });
  }

  find(id: string): Promise<RewardDocument | null> {
    return dbSpan(COLLECTION, 'find', () => this.collection.findOne({ _id: id }));
  }

  all(): Promise<RewardDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.find({}, { sort: { _id: 1 } }).toArray(),
    );
  }

  /**
   * Takes `quantity` from a stock-kept reward if that many are left; true if taken (always for
   * a reward without stock). Decided on the stored count, not the in-memory catalogue's.
   */
  takeStock(id: string, quantity: number): Promise<boolean> {
    return this.writes.run(id, async () => {
      const current = await this.find(id);
      if (!current) return false;
      if (current.stock === undefined) return true;
      if (current.stock < quantity) return false;
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne({ _id: id }, { $inc: { stock: -quantity } }),
      );
      return true;
    });
  }

  /** Puts back what a refused redemption took. */
  returnStock(id: string, quantity: number): Promise<void> {
    return this.writes.run(id, async () => {
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne(
          { _id: id, stock: { $exists: true } },
          { $inc: { stock: quantity } },
        ),
      );
    });
  }
}

/** Optional fields left out rather than stored as null. */
function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}
