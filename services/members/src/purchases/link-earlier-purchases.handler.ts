import { Injectable, Logger } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { MemberRepository } from '../members/member.repository';
import { PurchaseRepository } from './purchase.repository';
import { purchaseRecordedEvent } from './purchase-recorded';

/**
 * When someone registers, the purchases they made before (kept by their phone's blind index)
 * become theirs: linked, counted in their figures and announced with `purchase.recorded`.
 * Safe to repeat: a linked purchase is not linked again and a counted one not counted again.
 * Only purchases linked here are counted here; those matched at the till are the fold's.
 */
@Injectable()
export class LinkEarlierPurchases {
  private readonly logger = new Logger(LinkEarlierPurchases.name);

  constructor(
    private readonly purchases: PurchaseRepository,
    private readonly members: MemberRepository,
    private readonly outbox: MembersOutbox,
  ) {}

  execute(memberId: string): Promise<void> {
    return inSpan('members.purchases.link', async () => {
      const member = await this.members.findById(memberId);
      if (!member) return;
      const earlier = await this.purchases.byPhoneIndex(member.phoneIndex);
      let linked = 0;
      for (const purchase of earlier) {
        if (purchase.memberId === null) {
          const entry = {
            topic: Topics.membersEvents,
            envelope: purchaseRecordedEvent(purchase, memberId),
          };
          if (!(await this.purchases.linkToMember(purchase._id, memberId, entry))) continue;
          linked++;
        } else if (purchase.memberId !== memberId || !purchase.linkedLater) {
          // Matched at the till, so counted by the POS runs' fold; or someone else's.
          continue;
        }
        await this.members.countPurchase(memberId, { ...purchase, memberId });
      }
      if (linked > 0) {
        this.outbox.nudge();
        this.logger.log({ memberId, linked }, 'earlier purchases linked');
      }
    });
  }
}
