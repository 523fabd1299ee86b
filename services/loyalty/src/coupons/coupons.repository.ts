import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { ErrorCode } from '@crm/contracts';
import {
  insertOnce,
  isDuplicateKey,
  KeyedLock,
  OUTBOX_INDEX,
  queueEvents,
  withOutbox,
} from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { ensureIndexes, InjectMongo } from '@crm/service-kit';
import { newCouponCode } from './coupon-code';
import { couponIssuedEvent, couponRedeemedEvent } from './coupon-events';
import type { CouponRefusal } from './coupon-terms';
import type {
  CouponDocument,
  CouponRedemption,
  CouponRefusalDocument,
  IssueOutcome,
  NewCoupon,
  RedeemOutcome,
} from './coupon.document';
import { referralCause, unlinkedCoupon } from './coupon-erasure';

const COLLECTION = 'coupons';
const REFUSALS = 'coupon_refusals';
/** What `forgetLinks` reads of a coupon. */
const LINK_FIELDS = { _id: 1, memberId: 1, cause: 1, issuedTo: 1 } as const;
/** Tries at a fresh code when one was taken (about one in 10^14 per try). */
const CODE_ATTEMPTS = 5;

/**
 * Coupons, one document each, whose events ride in its outbox. FerretDB has no transactions and
 * applies an update as read, change, write, so: issuing is one insert keyed by the code with a
 * unique cause, decided in the member's write turn (the per-member limit counts the member's
 * coupons there); redeeming is one update of the coupon, decided in the code's write turn.
 * Both turns are this process's; with several replicas the unique cause still holds, the limit
 * and the at-most-once redemption rely on one writer per member and code (see README).
 */
@Injectable()
export class CouponsRepository implements OnModuleInit {
  readonly collection: mongo.Collection<CouponDocument>;
  private readonly refusals: mongo.Collection<CouponRefusalDocument>;
  private readonly memberWrites = new KeyedLock();
  /** A coupon's writes, one at a time: redemptions and the outbox relay's. */
  private readonly codeWrites = new KeyedLock();

  /** Where codes come from; a test swaps it to force a collision. */
  newCode: () => string = newCouponCode;

  constructor(@InjectMongo() connection: Connection) {
    this.collection = connection.db!.collection<CouponDocument>(COLLECTION);
    this.refusals = connection.db!.collection<CouponRefusalDocument>(REFUSALS);
  }

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.collection as never, [
      { key: { cause: 1 }, name: 'coupon_cause', unique: true },
      { key: { memberId: 1, issuedAt: -1 }, name: 'member_newest' },
      { key: { memberId: 1, definitionId: 1 }, name: 'member_definition' },
      OUTBOX_INDEX,
    ]);
  }

  /**
   * Issues a coupon for `coupon.cause` once: the same cause again returns the coupon issued
   * for it. With a `perMemberLimit`, refuses when the member holds that many of the definition.
   */
  issue(coupon: NewCoupon, perMemberLimit?: number): Promise<IssueOutcome> {
    return this.memberWrites.run(coupon.memberId, async () => {
      const existing = await this.byCause(coupon.cause);
      if (existing) return { outcome: 'existing', coupon: existing };
      if (perMemberLimit !== undefined) {
        const held = await dbSpan(COLLECTION, 'count', () =>
          this.collection.countDocuments({
            memberId: coupon.memberId,
            definitionId: coupon.definitionId,
          }),
        );
        if (held >= perMemberLimit) return { outcome: 'limit' };
      }
      for (let attempt = 1; attempt <= CODE_ATTEMPTS; attempt++) {
        const doc: CouponDocument = { ...coupon, _id: this.newCode() };
        try {
          await dbSpan(COLLECTION, 'insert', () =>
            this.collection.insertOne(withOutbox(doc, couponIssuedEvent(doc))),
          );
          return { outcome: 'issued', coupon: doc };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // The cause taken (by another member's turn or replica) or the code: which one?
          const issued = await this.byCause(coupon.cause);
          if (issued) return { outcome: 'existing', coupon: issued };
        }
      }
      throw new Error(`no free coupon code after ${CODE_ATTEMPTS} tries`);
    });
  }

  /**
   * Redeems a coupon once, in its write turn: `decide` checks it (owner, validity, order) and
   * prices it. The cause that redeemed it gets the same answer again; any other is refused. A
   * refusal is kept too, so the same cause asked again (a retried request, a redelivered sale)
   * gets the first answer whatever changed since, as points redemptions do.
   */
  redeem(
    code: string,
    cause: string,
    decide: (coupon: CouponDocument) => CouponRedemption | CouponRefusal,
  ): Promise<RedeemOutcome> {
    return this.codeWrites.run(code, async () => {
      const coupon = await this.find(code);
      // Not kept: the code names no coupon, so there is nothing to answer for.
      if (!coupon)
        return {
          outcome: 'refused',
          refusal: { code: ErrorCode.COUPON_NOT_FOUND, reason: `no coupon has the code ${code}` },
        };
      if (coupon.redemption?.cause === cause)
        return { outcome: 'replayed', coupon, redemption: coupon.redemption };
      const refusalId = `${code}:${cause}`;
      const earlier = await dbSpan(REFUSALS, 'find', () =>
        this.refusals.findOne({ _id: refusalId }),
      );
      if (earlier)
        return { outcome: 'refused', refusal: { code: earlier.code, reason: earlier.reason } };
      const decision: CouponRedemption | CouponRefusal = coupon.redemption
        ? {
            code: ErrorCode.COUPON_ALREADY_REDEEMED,
            reason: `redeemed at ${coupon.redemption.at.toISOString()}`,
          }
        : decide(coupon);
      if ('code' in decision) {
        const refusal: CouponRefusalDocument = {
          _id: refusalId,
          code: decision.code,
          reason: decision.reason,
          memberId: coupon.memberId,
          at: new Date(),
        };
        await insertOnce(() => dbSpan(REFUSALS, 'insert', () => this.refusals.insertOne(refusal)));
        return { outcome: 'refused', refusal: decision };
      }
      const redeemed = { ...coupon, redemption: decision };
      const queued = queueEvents(couponRedeemedEvent(redeemed, decision));
      const result = await dbSpan(COLLECTION, 'update', () =>
        this.collection.updateOne({ _id: code, redemption: { $exists: false } }, {
          $set: { redemption: decision, ...queued.$set },
          $push: queued.$push,
        } as never),
      );
      if (result.modifiedCount !== 1)
        throw new Error(`coupon ${code} changed outside its write turn`);
      return { outcome: 'redeemed', coupon: redeemed, redemption: decision };
    });
  }

  /**
   * Moves a merged member's coupons to the survivor, each in its code's write turn (a
   * redemption cannot slip in between); a redelivery finds none left to move. Returns how many.
   */
  async moveToSurvivor(mergedId: string, survivorId: string): Promise<number> {
    let moved = 0;
    for (const coupon of await this.ofMember(mergedId, 10_000)) {
      const result = await this.codeWrites.run(coupon._id, () =>
        dbSpan(COLLECTION, 'update', () =>
          this.collection.updateOne(
            { _id: coupon._id, memberId: mergedId },
            { $set: { memberId: survivorId, issuedTo: coupon.issuedTo ?? mergedId } },
          ),
        ),
      );
      moved += result.modifiedCount;
    }
    return moved;
  }

  /**
   * Erasure: drops what ties the member's coupons to other people, each in its code's write turn
   * (a redemption or the relay's write cannot slip in between and write it back): `issuedTo`
   * (the duplicate record a coupon moved from, or to) and a referral reward's cause, which names
   * the referred member — on the referrer's coupons and on the coupon that rewarded the member's
   * own referral. The cause becomes `referral:erased:<code>`, unique still; the referral it
   * guarded is deleted with the erasure, so no sale can reward it again. Also deletes the kept
   * refusals of the member's coupons and of their attempts to use others' coupons. Codes,
   * amounts and redemptions stay under the member id, as anonymous figures. Returns the changes.
   */
  async forgetLinks(memberId: string): Promise<number> {
    const linked = await dbSpan(COLLECTION, 'find', async () => [
      ...(await this.collection.find({ memberId }, { projection: LINK_FIELDS }).toArray()),
      ...(await this.collection
        .find({ issuedTo: memberId }, { projection: LINK_FIELDS })
        .toArray()),
      ...(await this.collection
        .find({ cause: referralCause(memberId) }, { projection: LINK_FIELDS })
        .toArray()),
    ]);
    let changed = 0;
    for (const coupon of new Map(linked.map((c) => [c._id, c])).values()) {
      const change = unlinkedCoupon(coupon, memberId);
      if (!change) continue;
      const result = await this.codeWrites.run(coupon._id, () =>
        dbSpan(COLLECTION, 'update', () =>
          this.collection.updateOne({ _id: coupon._id }, change as never),
        ),
      );
      changed += result.modifiedCount;
    }
    const refusals = await dbSpan(REFUSALS, 'delete', async () => {
      const owned = await this.refusals.deleteMany({ memberId });
      // Their attempts at another member's coupon: `<code>:api:<member>:<key>` (codes hold no ':').
      const tried = await this.refusals.deleteMany({
        _id: { $regex: `^[A-Z0-9]+:api:${memberId}:` },
      });
      return owned.deletedCount + tried.deletedCount;
    });
    return changed + refusals;
  }

  /** The refusals kept for the member's coupons, newest first. */
  refusalsOf(memberId: string): Promise<CouponRefusalDocument[]> {
    return dbSpan(REFUSALS, 'find', () =>
      this.refusals.find({ memberId }, { sort: { at: -1 }, limit: 1000 }).toArray(),
    );
  }

  find(code: string): Promise<CouponDocument | null> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ _id: code }, { projection: { outbox: 0 } }),
    );
  }

  byCause(cause: string): Promise<CouponDocument | null> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection.findOne({ cause }, { projection: { outbox: 0 } }),
    );
  }

  /** A member's coupons, newest first. */
  ofMember(memberId: string, limit = 200): Promise<CouponDocument[]> {
    return dbSpan(COLLECTION, 'find', () =>
      this.collection
        .find({ memberId }, { projection: { outbox: 0 }, sort: { issuedAt: -1 }, limit })
        .toArray(),
    );
  }

  /** Runs a write to one coupon in turn with the process's other writes to it (the outbox relay's). */
  serialize<T>(code: string, write: () => Promise<T>): Promise<T> {
    return this.codeWrites.run(code, write);
  }
}
