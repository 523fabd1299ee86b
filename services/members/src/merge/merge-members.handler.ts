import { Injectable, Logger } from '@nestjs/common';
import { mongo } from 'mongoose';
import {
  AppError,
  ErrorCode,
  MEMBER_MERGED,
  type MemberMergedPayload,
  type MergeMembersCommand,
  type MergeResult,
  Topics,
} from '@crm/contracts';
import { newEnvelope, queueEvents, type RpcActor } from '@crm/messaging';
import { dbSpan, inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import type { MemberChangeRecord, MemberDocument } from '../members/member.document';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import { MemberHistoryRepository } from '../profile/member-history.repository';
import { withoutPersonalData } from '../members/personal-data';
import { PurchaseRepository } from '../purchases/purchase.repository';

/**
 * Folds a duplicate record into the surviving one: the duplicate's purchases, figures,
 * engagement, legacy ids and phone number (its claim now finds the survivor) move over, the
 * duplicate keeps only a pointer (`mergedInto`), and `member.merged` tells the other
 * services to move points, plans and complaints. Every step can run again: a merge cut short
 * by a crash is completed by the next request, and a finished one is answered as it was.
 */
@Injectable()
export class MergeMembers {
  private readonly logger = new Logger(MergeMembers.name);

  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly purchases: PurchaseRepository,
    private readonly history: MemberHistoryRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  execute(command: MergeMembersCommand, actor?: RpcActor): Promise<MergeResult> {
    return inSpan('members.merge', async () => {
      const survivorId = command.id;
      const mergedId = command.merge.duplicateId;
      if (survivorId === mergedId)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'A member cannot be merged into itself', [
          { field: 'duplicateId', reasons: ['must be another member than the one in the path'] },
        ]);
      const [survivor, duplicate] = await Promise.all([
        this.members.findById(survivorId),
        this.members.findById(mergedId),
      ]);
      if (!survivor || survivor.erasedAt || survivor.mergedInto)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${survivorId}`);
      const target = duplicate?.mergedInto ?? duplicate?.mergingInto;
      if (!duplicate || duplicate.erasedAt || (target && target !== survivorId))
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${mergedId}`);

      const mergedAt = new Date();
      // From here on the POS fold counts the duplicate's sales on the survivor, so the figures
      // read below are the duplicate's last.
      const closed = await this.closeFigures(duplicate, survivorId);
      const purchasesMoved = await this.purchases.reassign(mergedId, survivorId);
      await this.phones.takeOver(duplicate.phoneIndex, mergedId, survivorId);
      const record = await this.foldInto(survivor, closed, mergedAt, actor);
      await this.retire(closed, survivorId, mergedAt);
      if (record) await this.history.settle(survivorId, [record]);
      this.outbox.nudge();
      this.logger.log({ survivorId, mergedId, purchasesMoved }, 'members merged');
      return { survivorId, mergedId, mergedAt: mergedAt.toISOString(), purchasesMoved };
    });
  }

  /** Adds the duplicate's figures and sets to the survivor, once (guarded by `mergedFrom`). */
  private async foldInto(
    survivor: MemberDocument,
    duplicate: MemberDocument,
    at: Date,
    actor?: RpcActor,
  ): Promise<MemberChangeRecord | null> {
    const survivorId = String(survivor._id);
    const mergedId = String(duplicate._id);
    const stats = duplicate.stats;
    const inc: Record<string, number> = {};
    for (const [month, bucket] of Object.entries(stats?.months ?? {}))
      for (const [figure, value] of Object.entries(bucket))
        if (value) inc[`stats.months.${month}.${figure}`] = value;
    const record: MemberChangeRecord = {
      _id: String(new mongo.ObjectId()),
      memberId: survivorId,
      at,
      actor: actor?.sub ?? null,
      roles: actor?.roles ?? [],
      storeId: actor?.storeId ?? null,
      changes: [{ field: 'mergedFrom', old: null, new: mergedId }],
    };
    const queued = queueEvents({
      topic: Topics.membersEvents,
      envelope: newEnvelope<MemberMergedPayload>({
        type: MEMBER_MERGED,
        source: 'members',
        key: survivorId,
        payload: { survivorId, mergedId, mergedAt: at.toISOString() },
      }),
    });
    const update: Record<string, object> = {
      $addToSet: {
        mergedFrom: mergedId,
        'stats.categories': { $each: stats?.categories ?? [] },
        'engagement.eventIds': { $each: duplicate.engagement?.eventIds ?? [] },
        'engagement.referredMemberIds': { $each: duplicate.engagement?.referredMemberIds ?? [] },
        legacyIds: { $each: (duplicate as { legacyIds?: unknown[] }).legacyIds ?? [] },
      },
      $push: {
        ...queued.$push,
        pendingHistory: record,
        'stats.appliedTx': { $each: stats?.appliedTx ?? [] },
      },
      $set: { updatedAt: at, ...queued.$set },
    };
    if (Object.keys(inc).length > 0) update.$inc = inc;
    if (stats?.firstPurchaseAt) update.$min = { 'stats.firstPurchaseAt': stats.firstPurchaseAt };
    if (stats?.lastPurchaseAt) update.$max = { 'stats.lastPurchaseAt': stats.lastPurchaseAt };
    const result = await this.members.serialize(survivorId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.members.collection.updateOne(
          { _id: survivor._id, mergedFrom: { $ne: mergedId } } as never,
          update as never,
        ),
      ),
    );
    return result.modifiedCount === 1 ? record : null;
  }

  private async closeFigures(duplicate: MemberDocument, survivorId: string) {
    if (!duplicate.mergedInto)
      await this.members.serialize(duplicate._id, () =>
        dbSpan(MEMBERS_COLLECTION, 'update', () =>
          this.members.collection.updateOne(
            { _id: duplicate._id } as never,
            { $set: { mergingInto: survivorId } } as never,
          ),
        ),
      );
    return (await this.members.findById(String(duplicate._id))) ?? duplicate;
  }

  /** The duplicate keeps only a pointer to the survivor: no personal data stays on it. */
  private async retire(duplicate: MemberDocument, survivorId: string, at: Date): Promise<void> {
    const mergedId = String(duplicate._id);
    // Its figures and engagement now count on the survivor.
    const stripped = withoutPersonalData(mergedId, 'merged', ['stats', 'engagement']);
    await this.members.serialize(mergedId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.members.collection.updateOne(
          { _id: duplicate._id } as never,
          {
            $set: {
              ...stripped.$set,
              mergedInto: survivorId,
              // The fold's marks outlive the figures: a fold window redone later must not
              // count on the survivor what the duplicate had already counted.
              countedThroughAtMerge: duplicate.stats?.countedThrough ?? {},
              updatedAt: at,
            },
            $unset: stripped.$unset,
          } as never,
        ),
      ),
    );
  }
}
