import { Injectable } from '@nestjs/common';
import { PosTransaction, Topics } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import { forEachConcurrently, sendEvents } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import type { Producer } from 'kafkajs';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import type { PurchaseDocument } from './purchase.document';
import { PurchaseRepository } from './purchase.repository';
import { purchaseRecordedEvent } from './purchase-recorded';

/** Reads and writes in flight at once: overlaps round trips without swamping a 2-core store. */
const STORE_CONCURRENCY = 8;

export interface RecordOutcome {
  recorded: number;
  duplicates: number;
}

/**
 * Records POS sales and refunds (CONTRACTS.md §3), a batch at a time. The buyer is matched by
 * member id, else by phone; a buyer who is not a member is kept with the phone's blind index
 * for a later link. The transaction id is the document's `_id`, so a second delivery adds
 * nothing; the member's figures count each transaction id once (one write per member per
 * batch). `purchase.recorded` is sent before the Kafka offset moves on, so a crash means the
 * batch comes again and the events go again under the same ids: no transactional outbox
 * (one more write per sale) is needed when the input itself is redelivered.
 */
@Injectable()
export class RecordPurchase {
  constructor(
    private readonly purchases: PurchaseRepository,
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
    @InjectProducer() private readonly producer: Producer,
  ) {}

  async execute(transaction: PosTransaction): Promise<'recorded' | 'duplicate'> {
    const { recorded } = await this.executeBatch([transaction]);
    return recorded === 1 ? 'recorded' : 'duplicate';
  }

  executeBatch(transactions: PosTransaction[]): Promise<RecordOutcome> {
    return inSpan('members.purchases.record', async () => {
      const unique = [...new Map(transactions.map((t) => [t.transactionId, t])).values()];
      const buyers = await this.resolveBuyers(unique);
      const docs = unique.map((t) => this.toDocument(t, buyers));
      const taken = await this.purchases.insertNew(docs);
      const fresh = docs.filter((doc) => !taken.has(doc._id));
      // Duplicates are counted and announced too, as stored: the first delivery may have
      // stopped before that. Both steps are idempotent (applied-transaction guard, event ids).
      const stored = await this.storedVersions(docs.filter((doc) => taken.has(doc._id)));
      const members = [...fresh, ...stored].filter((doc) => doc.memberId);
      await this.countOnMembers(members);
      await sendEvents(
        this.producer,
        members.map((doc) => ({
          topic: Topics.membersEvents,
          envelope: purchaseRecordedEvent(doc, doc.memberId!),
        })),
      );
      return { recorded: fresh.length, duplicates: transactions.length - fresh.length };
    });
  }

  private toDocument(
    transaction: PosTransaction,
    buyers: Map<PosTransaction, { memberId: string | null; phoneIndex: string | null }>,
  ): PurchaseDocument {
    const { memberId, phoneIndex } = buyers.get(transaction)!;
    return {
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
  }

  /** Each distinct member id and phone of the batch is looked up once. */
  private async resolveBuyers(transactions: PosTransaction[]) {
    const claimedIds = new Set(transactions.flatMap((t) => t.member.memberId ?? []));
    const phoneIndexOf = new Map(
      transactions.flatMap((t) =>
        t.member.phone ? [[t, this.cipher.blindIndex(t.member.phone, PHONE_FIELD)] as const] : [],
      ),
    );
    const existing = new Set<string>();
    await forEachConcurrently([...claimedIds], STORE_CONCURRENCY, async (id) => {
      if (await this.members.exists(id)) existing.add(id);
    });
    const holderOf = new Map<string, string>();
    await forEachConcurrently(
      [...new Set(phoneIndexOf.values())],
      STORE_CONCURRENCY,
      async (index) => {
        const holder = await this.phones.holderOf(index);
        if (holder) holderOf.set(index, holder);
      },
    );
    return new Map(
      transactions.map((t) => {
        const phoneIndex = phoneIndexOf.get(t) ?? null;
        const byId =
          t.member.memberId && existing.has(t.member.memberId) ? t.member.memberId : null;
        const memberId = byId ?? (phoneIndex ? (holderOf.get(phoneIndex) ?? null) : null);
        return [t, { memberId, phoneIndex }];
      }),
    );
  }

  private async storedVersions(duplicates: PurchaseDocument[]): Promise<PurchaseDocument[]> {
    const stored: PurchaseDocument[] = [];
    await forEachConcurrently(duplicates, STORE_CONCURRENCY, async (doc) => {
      const found = await this.purchases.findById(doc._id);
      if (found) stored.push(found);
    });
    return stored;
  }

  private async countOnMembers(purchases: PurchaseDocument[]): Promise<void> {
    const byMember = new Map<string, PurchaseDocument[]>();
    for (const purchase of purchases) {
      if (!purchase.memberId) continue;
      byMember.set(purchase.memberId, [...(byMember.get(purchase.memberId) ?? []), purchase]);
    }
    await forEachConcurrently([...byMember], STORE_CONCURRENCY, ([memberId, list]) =>
      this.members.countPurchases(memberId, list),
    );
  }
}
