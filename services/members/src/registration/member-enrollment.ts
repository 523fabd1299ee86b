import { Injectable } from '@nestjs/common';
import { isDuplicateKey, withOutbox } from '@crm/messaging';
import { MembersOutbox } from '../events/members-outbox';
import type { MemberDocument } from '../members/member.document';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import { memberRegisteredEntry } from './new-member';

/** A claim whose member never appeared this long after is taken to be left by a crash. */
const ABANDONED_CLAIM_MS = 60_000;

export type EnrollmentOutcome =
  /** `alreadyOnFile`: this very member (same id) was enrolled by an earlier attempt. */
  | { enrolled: true; alreadyOnFile: boolean }
  /** The phone belongs to another member (`holderId`, null if the claim vanished meanwhile). */
  | { enrolled: false; holderId: string | null };

/**
 * Makes a new member exist, once per phone number: the number is claimed first (its blind
 * index as the key of `member_phones`), then the member and its `member.registered` event are
 * one insert, so either both exist or neither does. Registration and archive imports both
 * come through here.
 *
 * Enrolling a document again under the same id (an import resumed after a crash) finds its
 * own claim, and its own member if the insert had happened, and reports `alreadyOnFile`.
 */
@Injectable()
export class MemberEnrollment {
  constructor(
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  async enroll(doc: MemberDocument): Promise<EnrollmentOutcome> {
    const memberId = String(doc._id);
    if (!(await this.claimPhone(doc.phoneIndex, memberId))) {
      return { enrolled: false, holderId: await this.holderOf(doc.phoneIndex) };
    }
    try {
      await this.members.insert(withOutbox(doc, memberRegisteredEntry(doc)));
    } catch (error) {
      if (isDuplicateKey(error) && (await this.members.exists(memberId))) {
        return { enrolled: true, alreadyOnFile: true };
      }
      await this.phones.release(doc.phoneIndex, memberId).catch(() => undefined);
      if (isDuplicateKey(error))
        return { enrolled: false, holderId: await this.holderOf(doc.phoneIndex) };
      throw error;
    }
    this.outbox.nudge();
    return { enrolled: true, alreadyOnFile: false };
  }

  /** True when the number is now this member's: newly claimed, its own, or left by a crash. */
  private async claimPhone(phoneIndex: string, memberId: string): Promise<boolean> {
    if (await this.phones.claim(phoneIndex, memberId)) return true;
    const claim = await this.phones.find(phoneIndex);
    if (!claim) return false;
    if (claim.memberId === memberId) return true;
    const holderExists = await this.members.exists(claim.memberId);
    const abandoned = !holderExists && Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS;
    return abandoned && (await this.phones.takeOver(phoneIndex, claim.memberId, memberId));
  }

  private async holderOf(phoneIndex: string): Promise<string | null> {
    return (await this.phones.find(phoneIndex))?.memberId ?? null;
  }
}
