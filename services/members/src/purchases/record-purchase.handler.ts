import { Injectable } from '@nestjs/common';
import { PosTransaction, Topics } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { withOutbox, type OutboxEntry } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MembersOutbox } from '../events/members-outbox';
import { PHONE_FIELD } from '../members/member-crypto';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import type { PurchaseDocument } from './purchase.document';
import { PurchaseRepository } from './purchase.repository';
import { purchaseRecordedEvent } from './purchase-recorded';

/**
 * Records a POS sale or refund (CONTRACTS.md §3). The buyer is matched by member id, else by
 * phone; a buyer who is not a member is kept with the phone's blind index for a later link.
 * The transaction id is the document's `_id`, so a second delivery has no effect; a
 * member's `purchase.recorded` event is written in the same insert, and the member's
 * figures count each transaction id once.
 */
@Injectable()
export class RecordPurchase {
  constructor(
    private readonly purchases: PurchaseRepository,
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
    private readonly outbox: MembersOutbox,
  ) {}

  execute(transaction: PosTransaction): Promise<'recorded' | 'duplicate'> {
    return inSpan('members.purchases.record', async () => {
      const phoneIndex = transaction.member.phone
        ? this.cipher.blindIndex(transaction.member.phone, PHONE_FIELD)
        : null;
      const memberId = await this.resolveBuyer(transaction.member.memberId ?? null, phoneIndex);
      const doc: PurchaseDocument = {
        _id: transaction.transactionId,
        type: transaction.type,
        originalTransactionId: transaction.originalTransactionId ?? null,
        storeId: transaction.storeId,
        region: transaction.region,
        occurredAt: new Date(transaction.occurredAt),
        memberId,
        phoneIndex,
        items: transaction.items.map((item) => ({ ...item, daysSupply: item.daysSupply ?? null })),
        totalCents: transaction.totalCents,
        cashierId: transaction.cashierId ?? null,
        recordedAt: new Date(),
      };
      const events: OutboxEntry[] = memberId
        ? [{ topic: Topics.membersEvents, envelope: purchaseRecordedEvent(doc, memberId) }]
        : [];
      const inserted = await this.purchases.insertOnce(withOutbox(doc, ...events));
      if (inserted && events.length > 0) this.outbox.nudge();
      // Also on a duplicate: the first delivery may have stopped before counting it.
      const recorded = inserted ? doc : await this.purchases.findById(doc._id);
      if (recorded?.memberId) await this.members.countPurchase(recorded.memberId, recorded);
      return inserted ? 'recorded' : 'duplicate';
    });
  }

  private async resolveBuyer(
    memberId: string | null,
    phoneIndex: string | null,
  ): Promise<string | null> {
    if (memberId && (await this.members.exists(memberId))) return memberId;
    if (phoneIndex) return (await this.phones.find(phoneIndex))?.memberId ?? null;
    return null;
  }
}
