import { Injectable } from '@nestjs/common';
import { mongo } from 'mongoose';
import { MEMBER_UPDATED, type MemberUpdatedPayload, Topics } from '@crm/contracts';
import { newEnvelope, queueEvents } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { MEMBERS_COLLECTION, MemberRepository } from '../members/member.repository';

/**
 * The counters the grade rests on beyond purchases. Both are sets keyed by what happened
 * (the event, the referred member), so a repeated report counts once; a change that counts
 * announces `member.updated` (field `engagement`) in the same write.
 */
@Injectable()
export class EngagementRepository {
  constructor(
    private readonly members: MemberRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  /** False if there is no such (unerased) member. */
  async recordAttendance(memberId: string, eventId: string): Promise<boolean> {
    return this.addTo(memberId, 'engagement.eventIds', eventId);
  }

  async recordReferral(referrerId: string, referredId: string): Promise<boolean> {
    return this.addTo(referrerId, 'engagement.referredMemberIds', referredId);
  }

  private async addTo(memberId: string, path: string, value: string): Promise<boolean> {
    if (!mongo.ObjectId.isValid(memberId)) return false;
    const _id = new mongo.ObjectId(memberId);
    const queued = queueEvents({
      topic: Topics.membersEvents,
      envelope: newEnvelope<MemberUpdatedPayload>({
        type: MEMBER_UPDATED,
        source: 'members',
        key: memberId,
        payload: { memberId, fields: ['engagement'], updatedAt: new Date().toISOString() },
      }),
    });
    // Only a value not yet in the set changes the member (and is announced).
    const result = await this.members.serialize(memberId, () =>
      dbSpan(MEMBERS_COLLECTION, 'update', () =>
        this.members.collection.updateOne(
          { _id, erasedAt: null, [path]: { $ne: value } } as never,
          { $addToSet: { [path]: value }, $set: queued.$set, $push: queued.$push } as never,
        ),
      ),
    );
    if (result.modifiedCount === 1) {
      this.outbox.nudge();
      return true;
    }
    // Nothing changed: the value was already there, or there is no (unerased) member.
    const doc = await this.members.collection.findOne({ _id } as never, {
      projection: { erasedAt: 1 },
    });
    return doc !== null && !doc.erasedAt;
  }
}
