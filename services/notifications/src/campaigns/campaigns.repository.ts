import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { insertOnce, OUTBOX_INDEX } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import type { MessageDocument } from '../messages/message.document';
import {
  type CampaignDocument,
  type CampaignLeaseDocument,
  type CampaignMarkDocument,
  type CampaignPageDocument,
  leaseId,
  markId,
  type OpenCampaignDocument,
} from './campaign.document';

/** Messages of a campaign by status and reason, counted by the store. */
export interface StatusCount {
  status: string;
  reason: string | null;
  n: number;
}

/**
 * The campaigns store: definitions, open markers, recipient pages, lease terms and marks.
 * Everything that must happen once is an insert with a deterministic id; the only updates are
 * a page's `dispatchedAt` and a lease term's `until`, each written by the lease holder alone.
 */
@Injectable()
export class CampaignsRepository implements OnModuleInit {
  readonly campaigns: mongo.Collection<CampaignDocument>;
  readonly open: mongo.Collection<OpenCampaignDocument>;
  readonly pages: mongo.Collection<CampaignPageDocument>;
  readonly leases: mongo.Collection<CampaignLeaseDocument>;
  readonly marks: mongo.Collection<CampaignMarkDocument>;
  private readonly messages: mongo.Collection<MessageDocument>;

  constructor(@InjectMongo() connection: Connection) {
    const db = connection.db!;
    this.campaigns = db.collection<CampaignDocument>('campaigns');
    this.open = db.collection<OpenCampaignDocument>('campaigns_open');
    this.pages = db.collection<CampaignPageDocument>('campaign_pages');
    this.leases = db.collection<CampaignLeaseDocument>('campaign_leases');
    this.marks = db.collection<CampaignMarkDocument>('campaign_marks');
    this.messages = db.collection<MessageDocument>('messages');
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.pages as never, [
      { key: { campaignId: 1, n: 1 }, name: 'campaign_page' },
    ]);
    await ensureIndexes(this.leases as never, [
      { key: { campaignId: 1, term: -1 }, name: 'campaign_term' },
    ]);
    await ensureIndexes(this.marks as never, [
      { key: { campaignId: 1 }, name: 'campaign' },
      OUTBOX_INDEX,
    ]);
    await ensureIndexes(this.open as never, [{ key: { dueAt: 1 }, name: 'due' }]);
    // The campaign's progress is counted from its messages.
    await ensureIndexes(this.messages as never, [
      { key: { campaignId: 1, status: 1 }, name: 'campaign_status' },
    ]);
  }

  find(id: string): Promise<CampaignDocument | null> {
    return dbSpan('campaigns', 'find', () => this.campaigns.findOne({ _id: id }));
  }

  insert(doc: CampaignDocument): Promise<boolean> {
    return insertOnce(() => dbSpan('campaigns', 'insert', () => this.campaigns.insertOne(doc)));
  }

  markOpen(doc: OpenCampaignDocument): Promise<boolean> {
    return insertOnce(() => this.open.insertOne(doc));
  }

  async dueOpen(now: Date, limit: number): Promise<OpenCampaignDocument[]> {
    return this.open
      .find({ dueAt: { $lte: now } })
      .sort({ dueAt: 1 })
      .limit(limit)
      .toArray();
  }

  async setDue(id: string, dueAt: Date): Promise<void> {
    await this.open.updateOne({ _id: id }, { $set: { dueAt } });
  }

  async close(id: string): Promise<void> {
    await this.open.deleteOne({ _id: id });
  }

  marksOf(campaignId: string): Promise<CampaignMarkDocument[]> {
    return this.marks
      .find({ campaignId }, { projection: { outbox: 0, outboxPending: 0 } })
      .toArray();
  }

  findMark(kind: CampaignMarkDocument['kind'], campaignId: string) {
    return this.marks.findOne(
      { _id: markId(kind, campaignId) },
      { projection: { outbox: 0, outboxPending: 0 } },
    );
  }

  insertMark(doc: CampaignMarkDocument): Promise<boolean> {
    return insertOnce(() => dbSpan('campaign_marks', 'insert', () => this.marks.insertOne(doc)));
  }

  /** The stored pages of a campaign in order (ids and cursors only when `withMembers` is false). */
  pagesOf(campaignId: string, withMembers = true): Promise<CampaignPageDocument[]> {
    return this.pages
      .find({ campaignId }, withMembers ? {} : { projection: { memberIds: 0 } })
      .sort({ n: 1 })
      .toArray();
  }

  lastPage(campaignId: string): Promise<CampaignPageDocument | null> {
    return this.pages.findOne({ campaignId }, { sort: { n: -1 }, projection: { memberIds: 0 } });
  }

  insertPage(doc: CampaignPageDocument): Promise<boolean> {
    return insertOnce(() => dbSpan('campaign_pages', 'insert', () => this.pages.insertOne(doc)));
  }

  async pageDispatched(id: string, at: Date): Promise<void> {
    await this.pages.updateOne({ _id: id }, { $set: { dispatchedAt: at } });
  }

  latestLease(campaignId: string): Promise<CampaignLeaseDocument | null> {
    return this.leases.findOne({ campaignId }, { sort: { term: -1 } });
  }

  takeLease(doc: CampaignLeaseDocument): Promise<boolean> {
    return insertOnce(() => this.leases.insertOne(doc));
  }

  async leaseSuperseded(campaignId: string, term: number): Promise<boolean> {
    return (await this.leases.findOne({ _id: leaseId(campaignId, term + 1) })) !== null;
  }

  async extendLease(campaignId: string, term: number, until: Date): Promise<boolean> {
    const result = await this.leases.updateOne(
      { _id: leaseId(campaignId, term) },
      { $set: { until } },
    );
    return result.matchedCount === 1;
  }

  /** The campaign's messages by status and reason (an aggregate: exact whatever crashed). */
  async statusCounts(campaignId: string): Promise<StatusCount[]> {
    const rows = await dbSpan('messages', 'aggregate', () =>
      this.messages
        .aggregate<{ _id: { status: string; reason?: string | null }; n: number }>([
          { $match: { campaignId } },
          { $group: { _id: { status: '$status', reason: '$reason' }, n: { $sum: 1 } } },
        ])
        .toArray(),
    );
    return rows.map((row) => ({
      status: row._id.status,
      reason: row._id.reason ?? null,
      n: row.n,
    }));
  }

  /** How many of the campaign's messages are still to be decided or delivered now. */
  inFlight(campaignId: string): Promise<number> {
    return this.messages.countDocuments({
      campaignId,
      status: { $in: ['pending', 'queued'] },
    } as never);
  }

  /**
   * The campaign's messages no provider has been asked for yet (waiting for quiet hours to end,
   * or queued without an attempt): not sent after a cancel. Delivery checks the cancellation
   * too before each attempt, so a message it takes meanwhile is skipped there.
   */
  async skipUnsent(campaignId: string, reason: string): Promise<number> {
    const result = await this.messages.updateMany(
      { campaignId, status: { $in: ['deferred', 'queued'] }, attempts: 0 } as never,
      { $set: { status: 'skipped', reason } },
    );
    return result.modifiedCount;
  }

  /** The campaign's messages skipped for a reason (their slots are given back). */
  async skippedFor(campaignId: string, reason: string): Promise<string[]> {
    const docs = await this.messages
      .find({ campaignId, status: 'skipped', reason } as never, { projection: { _id: 1 } })
      .toArray();
    return docs.map((doc) => doc._id as string);
  }
}
