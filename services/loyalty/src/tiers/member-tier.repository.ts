import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { TIER_CHANGED, type Tier, type TierChangedPayload, Topics } from '@crm/contracts';
import {
  BoundedMap,
  eventIdFor,
  findByIds,
  KeyedLock,
  newEnvelope,
  queueEvents,
  type WithOutbox,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo } from '@crm/service-kit';
import { higher, tierAfterSpend } from './tier-table';
import {
  type BookInRun,
  monthsInWindow,
  type SpendBook,
  spendIn,
  type TierChange,
} from './rolling-spend';
import { reviewedTier } from './tier-review';

/** A member's tier and the spend it is measured on, month by month (chain's local months). */
export interface MemberTierDocument extends WithOutbox {
  _id: string; // the member id
  tier: Tier;
  /** `YYYY-MM` → spend in cents and the transactions counted in it (so none counts twice). */
  months: Record<string, { cents: number; tx: string[] }>;
  changedAt?: Date;
  /** Members merged into this one: their spend is in `months`. */
  mergedFrom?: string[];
  /** The last yearly review (`YYYY`) that set the tier: each member is reviewed once a year. */
  reviewedFor?: string;
}

const COLLECTION = 'member_tiers';
/** Spend books kept in memory for the runs. */
const CACHED_BOOKS = 200_000;

/**
 * Tiers, one document per member holding both the spend and the transactions it counted:
 * counting a sale is one single-document write of state and guard together, so a redelivery
 * finds the sale already counted. Months leave the document as they leave the 12-month window,
 * which bounds the list of counted transactions.
 */
@Injectable()
export class MemberTierRepository {
  readonly collection: mongo.Collection<MemberTierDocument>;
  /** One writer per member document in this process (FerretDB updates are read, change, write). */
  private readonly writes = new KeyedLock();
  /** Spend books as runs last wrote them (see `booksOf`); sound with one writer process. */
  private readonly books = new BoundedMap<string, SpendBook>(CACHED_BOOKS);
  /**
   * Books runs changed that are not written yet, with the tier changes they made: what the
   * tier is until `settle` writes it. Never evicted, unlike `books`.
   */
  private readonly unsettled = new Map<string, { book: SpendBook; changes: TierChange[] }>();

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<MemberTierDocument>(COLLECTION);
  }

  /** The member's tier document, with what runs counted meanwhile written first. */
  async find(memberId: string): Promise<MemberTierDocument | null> {
    if (this.unsettled.has(memberId)) await this.settle(memberId);
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: memberId }, { projection: { outbox: 0 } }),
    );
  }

  /** Runs a write to the member's document in its turn, after what runs counted is written. */
  serialize<T>(memberId: string, write: () => Promise<T>): Promise<T> {
    return this.writes.run(memberId, async () => {
      await this.settleUnlocked(memberId);
      try {
        return await write();
      } finally {
        this.books.delete(memberId); // written outside a run: read it afresh next time
      }
    });
  }

  /**
   * Adds a merged member's spend, and the transactions it counted, to the survivor's, once; the
   * survivor keeps the higher of the two tiers until the yearly review.
   */
  async mergeInto(mergedId: string, survivorId: string, now: Date, utcOffsetMinutes: number) {
    await this.settle(mergedId);
    return this.serialize(survivorId, async () => {
      const [merged, survivor] = await Promise.all([this.find(mergedId), this.find(survivorId)]);
      if (!merged || survivor?.mergedFrom?.includes(mergedId)) return;
      const window = monthsInWindow(now, utcOffsetMinutes);
      const months = { ...(survivor?.months ?? {}) };
      for (const [key, bucket] of Object.entries(merged.months)) {
        if (!window.includes(key)) continue;
        const held = months[key] ?? { cents: 0, tx: [] };
        months[key] = { cents: held.cents + bucket.cents, tx: [...held.tx, ...bucket.tx] };
      }
      const held = higher(survivor?.tier ?? 'regular', merged.tier);
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne(
          { _id: survivorId },
          {
            $set: { months, tier: tierAfterSpend(held, spendIn(months, window)) },
            $push: { mergedFrom: mergedId },
          },
          { upsert: true },
        ),
      );
    });
  }

  /**
   * Several members' spend books, from memory where a run left them: a run reads each of its
   * members' books, and a read costs the store about as much as the write. Only runs fill the
   * memory; any other write drops the member from it (`serialize`).
   */
  private async booksOf(memberIds: string[]): Promise<Map<string, SpendBook>> {
    const found = new Map<string, SpendBook>();
    const missing = memberIds.filter((id) => {
      const hit = this.unsettled.get(id)?.book ?? this.books.get(id);
      if (hit) found.set(id, hit);
      return !hit;
    });
    const read = await dbSpan(COLLECTION, 'find', () =>
      findByIds(this.collection, missing, { projection: { tier: 1, months: 1 } }),
    );
    for (const id of missing) {
      const book = spendBookOf(read.get(id));
      found.set(id, book);
      this.books.set(id, book);
    }
    return found;
  }

  /** These members' books, ready for a run to count into (`countInRun`), in their turns. */
  async booksInRun(memberIds: string[]): Promise<Map<string, BookInRun>> {
    const held = await this.booksOf(memberIds);
    return new Map(
      memberIds.map((id) => [id, { book: held.get(id)!, changes: [], counted: false }]),
    );
  }

  /** Keeps the books a run counted into (see `keepUnlocked`); returns their members. */
  keepCounted(members: Map<string, BookInRun>): string[] {
    const counted = [...members].filter(([, member]) => member.counted);
    for (const [memberId, member] of counted)
      this.keepUnlocked(memberId, member.book, member.changes);
    return counted.map(([memberId]) => memberId);
  }

  /** Runs `write` holding the turns of all these members' documents. */
  serializeAll<T>(memberIds: Iterable<string>, write: () => Promise<T>): Promise<T> {
    return this.writes.runAll(memberIds, write);
  }

  /**
   * Keeps a member's book as a run counted it, in the caller's turn for the member; `settle`
   * writes it with the run's tier changes.
   */
  keepUnlocked(memberId: string, book: SpendBook, changes: TierChange[]): void {
    const earlier = this.unsettled.get(memberId)?.changes ?? [];
    this.unsettled.set(memberId, { book, changes: [...earlier, ...changes] });
  }

  /** Members whose books hold counts not written yet. */
  unsettledMembers(): string[] {
    return [...this.unsettled.keys()];
  }

  /** Writes what runs counted for the member, if they did; in its turn. */
  settle(memberId: string): Promise<void> {
    return this.writes.run(memberId, () => this.settleUnlocked(memberId));
  }

  private async settleUnlocked(memberId: string): Promise<void> {
    const unsettled = this.unsettled.get(memberId);
    if (!unsettled) return;
    await this.saveUnlocked(memberId, unsettled.book, unsettled.changes);
    this.unsettled.delete(memberId);
  }

  /**
   * Writes a member's counted spend and tier with a `tier.changed` for each change (keyed by
   * the transaction that made it) in the same write.
   */
  private async saveUnlocked(
    memberId: string,
    book: SpendBook,
    changes: TierChange[],
  ): Promise<void> {
    const set: Record<string, unknown> = { months: book.months, tier: book.tier };
    let push: Record<string, unknown> | undefined;
    if (changes.length > 0) {
      const queued = queueEvents(
        ...changes.map(({ from, to, transactionId, at }) => ({
          topic: Topics.loyaltyEvents,
          envelope: newEnvelope<TierChangedPayload>({
            id: eventIdFor(TIER_CHANGED, memberId, transactionId),
            type: TIER_CHANGED,
            source: 'loyalty',
            key: memberId,
            payload: { memberId, from, to, at: at.toISOString() },
          }),
        })),
      );
      Object.assign(set, { changedAt: changes.at(-1)!.at }, queued.$set);
      push = queued.$push;
    }
    await dbSpan(COLLECTION, 'update', () =>
      this.collection.updateOne(
        { _id: memberId },
        { $set: set, ...(push ? { $push: push } : {}) } as never,
        { upsert: true },
      ),
    );
    this.books.set(memberId, book);
  }

  /** Members the yearly review of `year` has still to see. */
  async unreviewed(year: string): Promise<string[]> {
    const docs = await dbSpan(COLLECTION, 'find', () =>
      this.collection.find({ reviewedFor: { $ne: year } }, { projection: { _id: 1 } }).toArray(),
    );
    return docs.map((doc) => doc._id);
  }

  /**
   * The yearly review of one member, in its write turn: the tier its rolling spend earns, down
   * as well as up, and the `reviewedFor` mark in one single-document write with `tier.changed`
   * (reason `yearly-review`) when the tier moves. Returns the change, or null if none.
   */
  review(
    memberId: string,
    year: string,
    now: Date,
    utcOffsetMinutes: number,
  ): Promise<{ from: Tier; to: Tier } | null> {
    return this.serialize(memberId, async () => {
      const held = await this.find(memberId);
      const decision = held && reviewedTier(held, year, now, utcOffsetMinutes);
      if (!held || !decision) return null;
      const { tier: from } = held;
      const { to, spendCents } = decision;
      const set: Record<string, unknown> = { reviewedFor: year };
      let push: Record<string, unknown> | undefined;
      if (to !== from) {
        const queued = queueEvents({
          topic: Topics.loyaltyEvents,
          envelope: newEnvelope<TierChangedPayload>({
            id: eventIdFor(TIER_CHANGED, memberId, 'yearly-review', year),
            type: TIER_CHANGED,
            source: 'loyalty',
            key: memberId,
            payload: {
              memberId,
              from,
              to,
              at: now.toISOString(),
              reason: 'yearly-review',
              reviewYear: year,
              spend12mCents: spendCents,
            },
          }),
        });
        Object.assign(set, { tier: to, changedAt: now }, queued.$set);
        push = queued.$push;
      }
      await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne({ _id: memberId, reviewedFor: { $ne: year } }, {
          $set: set,
          ...(push ? { $push: push } : {}),
        } as never),
      );
      return to !== from ? { from, to } : null;
    });
  }
}

/** A member's spend book as held, or an empty one at the lowest tier. */
export function spendBookOf(doc: MemberTierDocument | null | undefined): SpendBook {
  return { tier: doc?.tier ?? 'regular', months: doc?.months ?? {} };
}
