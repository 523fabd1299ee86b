import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { mongo } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import {
  AppError,
  ErrorCode,
  PURCHASE_RECORDED,
  type SegmentCriteria,
  Topics,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import {
  forEachConcurrently,
  header,
  type DecodedMessage,
  type MessageHandler,
  type ReliableConsumer,
} from '@crm/messaging';
import { ConsumerFactory } from '@crm/service-kit';
import { MemberRepository } from '../members/member.repository';
import { SegmentIndex, type SegmentPage, type SegmentPreview } from './segment-index';
import { SEGMENT_PROJECTION, toSegmentMember, type SegmentSource } from './segment-member.mapper';

/** Refresh cadence for members whose events arrived, and most refreshed per pass. */
const REFRESH_EVERY_MS = 500;
const REFRESH_BATCH = 2000;
/** Rolling 12-month figures and grades drift with time alone: everyone is re-read this often. */
const REBUILD_EVERY_MS = 6 * 3600_000;

/**
 * This process's in-memory segment index (see segment-index.ts). At start it joins a group
 * of its own on members.events.v1 (only new events), then reads every member once; each
 * event about a member afterwards marks it for a re-read. So every replica's index follows
 * the changes made by any replica, a few hundred milliseconds behind.
 */
@Injectable()
export class SegmentIndexService
  implements OnApplicationBootstrap, OnModuleDestroy, MessageHandler<string>
{
  private index = new SegmentIndex();
  private loaded = false;
  private loading = 0;
  private rebuilding = false;
  private readonly dirty = new Set<string>();
  private readonly consumer: ReliableConsumer<string>;
  private refreshTimer?: NodeJS.Timeout;
  private rebuildTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    private readonly members: MemberRepository,
    private readonly cipher: FieldCipher,
    private readonly logger: PinoLogger,
    consumers: ConsumerFactory,
  ) {
    logger.setContext('SegmentIndex');
    const group = `members.segment-index.${hostname()}.${randomUUID().slice(0, 8)}`;
    this.consumer = consumers.create(group, [Topics.membersEvents], this, {
      fromBeginning: false,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    void this.rebuild();
    this.refreshTimer = setInterval(() => void this.refreshDirty(), REFRESH_EVERY_MS);
    this.rebuildTimer = setInterval(() => void this.rebuild(), REBUILD_EVERY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.refreshTimer);
    clearInterval(this.rebuildTimer);
    await this.consumer.stop();
    await this.refreshing;
  }

  preview(criteria: SegmentCriteria, sampleSize: number, now = new Date()): SegmentPreview {
    return this.ready().preview(criteria, sampleSize, now);
  }

  page(criteria: SegmentCriteria, cursor: { after?: string; limit: number }): SegmentPage {
    return this.ready().page(criteria, cursor);
  }

  birthdaysIn(month: number, cursor: { after?: string; limit: number }): SegmentPage {
    return this.ready().pageBirthMonth(month, cursor);
  }

  // --- events: every event that changes a member marks it for a re-read --------------------------

  decode(message: KafkaMessage): DecodedMessage<string> | null {
    const key = message.key?.toString();
    if (!key || !mongo.ObjectId.isValid(key)) return null;
    // A purchase changes the member's figures only when the fold adds it up, and the fold
    // announces that with `member.updated`.
    if (header(message.headers, 'event-type') === PURCHASE_RECORDED) return null;
    // Only the key matters (the member to re-read), and marking it twice is harmless: the
    // message is not even parsed.
    return { id: `${key}:${message.offset}`, value: key };
  }

  async apply({ value }: DecodedMessage<string>): Promise<void> {
    this.dirty.add(value);
  }

  async applyBatch(messages: DecodedMessage<string>[]): Promise<void> {
    for (const { value } of messages) this.dirty.add(value);
  }

  // --- loading and refreshing ---------------------------------------------------------------

  private ready(): SegmentIndex {
    if (!this.loaded)
      throw new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `The segment index is still loading (${this.loading} members so far); try again in a few seconds`,
      );
    return this.index;
  }

  /** Reads every member into a fresh index, then swaps it in (queries keep the old one meanwhile). */
  private async rebuild(): Promise<void> {
    if (this.rebuilding) return;
    // Changes seen while it runs stay marked, and are re-read into the new index after it.
    this.rebuilding = true;
    const started = Date.now();
    const fresh = new SegmentIndex();
    this.loading = 0;
    try {
      const cursor = this.members.collection.find(
        {},
        { projection: SEGMENT_PROJECTION, batchSize: 5000 },
      );
      for await (const doc of cursor) {
        this.indexOne(fresh, doc as unknown as SegmentSource);
        if (++this.loading % 100_000 === 0)
          this.logger.info({ members: this.loading }, 'segment index loading');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'segment index load failed; retrying in 5 s');
      this.rebuilding = false;
      setTimeout(() => void this.rebuild(), 5000);
      return;
    }
    this.rebuilding = false;
    this.index = fresh;
    this.loaded = true;
    this.logger.info({ members: fresh.size, ms: Date.now() - started }, 'segment index loaded');
  }

  /** One member in or out of `index`; a record the index cannot take is logged and left out. */
  private indexOne(index: SegmentIndex, doc: SegmentSource): void {
    const memberId = String(doc._id);
    try {
      const member = toSegmentMember(doc, this.cipher);
      if (member) index.upsert(member);
      else index.remove(memberId);
    } catch (error) {
      index.remove(memberId);
      this.logger.warn({ err: error, memberId }, 'member left out of the segment index');
    }
  }

  private async refreshDirty(): Promise<void> {
    if (this.rebuilding || this.refreshing || this.dirty.size === 0) return;
    const ids = [...this.dirty].slice(0, REFRESH_BATCH);
    for (const id of ids) this.dirty.delete(id);
    this.refreshing = forEachConcurrently(ids, 8, async (id) => {
      const doc = await this.members.collection.findOne({ _id: new mongo.ObjectId(id) } as never, {
        projection: SEGMENT_PROJECTION,
      });
      if (doc) this.indexOne(this.index, doc as unknown as SegmentSource);
      else this.index.remove(id);
    })
      .catch((error: unknown) => {
        for (const id of ids) this.dirty.add(id);
        this.logger.warn({ err: error }, 'segment index refresh failed; will retry');
      })
      .finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }
}
