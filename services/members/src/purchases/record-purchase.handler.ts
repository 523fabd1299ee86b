import { Injectable } from '@nestjs/common';
import { PosTransaction, Topics } from '@crm/contracts';
import { failpoint } from '@crm/config';
import { FieldCipher } from '@crm/crypto';
import { forEachConcurrently, sendEvents } from '@crm/messaging';
import { InjectProducer } from '@crm/service-kit';
import type { Producer } from 'kafkajs';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import { FoldPurchaseFigures } from './fold-purchase-figures';
import type { PurchaseDocument } from './purchase.document';
import { PurchaseRepository } from './purchase.repository';
import { purchaseRecordedEvent } from './purchase-recorded';
import { groupBy, tallyByMember } from './purchase-stats';
import { PurchaseTallyRepository } from './purchase-tallies.repository';

/** Reads in flight at once: overlaps round trips without swamping a 2-core store. */
const STORE_CONCURRENCY = 8;

/** A POS transaction and where its topic delivered it. */
export interface DeliveredSale {
  transaction: PosTransaction;
  position: { partition: number; offset: number };
}

export interface RecordOutcome {
  recorded: number;
  duplicates: number;
}

/**
 * Records POS sales and refunds (CONTRACTS.md §3), a run of one partition at a time. The
 * buyer is matched by member id, else by phone; a buyer who is not a member is kept with the
 * phone's blind index for a later link. The transaction id is the document's `_id`, so a
 * second delivery adds nothing. What the run adds to each member's figures is stored as one
 * tally (purchase-tallies.repository.ts) and folded into the members later, so a run costs
 * two inserts however many members bought. `purchase.recorded` is sent before the Kafka offset
 * moves on, so a crash means the run comes again and the events go again under the same ids:
 * no transactional outbox (one more write per sale) is needed when the input is redelivered.
 */
@Injectable()
export class RecordPurchase {
  constructor(
    private readonly purchases: PurchaseRepository,
    private readonly tallies: PurchaseTallyRepository,
    private readonly fold: FoldPurchaseFigures,
    private readonly members: MemberRepository,
    private readonly phones: PhoneClaimRepository,
    private readonly cipher: FieldCipher,
    @InjectProducer() private readonly producer: Producer,
  ) {}

  executeBatch(sales: DeliveredSale[]): Promise<RecordOutcome> {
    return inSpan('members.purchases.record', async () => {
      const unique = firstOfEach(sales);
      const buyers = await this.resolveBuyers(unique.map((s) => s.transaction));
      const docs = unique.map((s) => this.toDocument(s, buyers));
      const taken = await this.purchases.insertNew(docs);
      failpoint('members.purchases.stored'); // stored, neither tallied nor announced
      const fresh = docs.filter((doc) => !taken.has(doc._id));
      // Duplicates are tallied and announced too, as stored: the first delivery may have
      // stopped before that. Both steps are idempotent (run tally ids, event ids).
      const stored = await this.storedVersions(docs.filter((doc) => taken.has(doc._id)));
      const members = [...fresh, ...stored].filter((doc) => doc.memberId);
      // Independent of each other, and each a few round trips: overlapped.
      await Promise.all([
        this.tally(members),
        sendEvents(
          this.producer,
          members.map((doc) => ({
            topic: Topics.membersEvents,
            envelope: purchaseRecordedEvent(doc, doc.memberId!),
          })),
        ),
      ]);
      this.fold.nudge();
      return { recorded: fresh.length, duplicates: sales.length - fresh.length };
    });
  }

  private toDocument(
    { transaction, position }: DeliveredSale,
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
      ...(transaction.couponCodes?.length ? { couponCodes: transaction.couponCodes } : {}),
      recordedAt: new Date(),
      pos: position,
    };
  }

  /**
   * One tally per partition's run, over the members' purchases this run delivered first (a
   * transaction sent again under a new offset was counted where it came first).
   */
  private async tally(purchases: PurchaseDocument[]): Promise<void> {
    const byPartition = groupBy(
      purchases.filter((doc) => doc.pos && !doc.linkedLater),
      (doc) => doc.pos!.partition,
    );
    for (const [partition, docs] of byPartition) {
      const last = Math.max(...docs.map((doc) => doc.pos!.offset));
      await this.tallies.record(partition, last, (after) =>
        tallyByMember(docs.filter((doc) => doc.pos!.offset > after)),
      );
    }
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

  /** The versions on file of transactions delivered before, where this very message stored them. */
  private async storedVersions(duplicates: PurchaseDocument[]): Promise<PurchaseDocument[]> {
    const stored: PurchaseDocument[] = [];
    await forEachConcurrently(duplicates, STORE_CONCURRENCY, async (doc) => {
      const found = await this.purchases.findById(doc._id);
      if (!found) return;
      const sameMessage =
        found.pos?.partition === doc.pos?.partition && found.pos?.offset === doc.pos?.offset;
      // Announced again either way (same event id); tallied only by the message that stored it.
      stored.push(sameMessage ? found : { ...found, pos: null });
    });
    return stored;
  }
}

/**
 * Each transaction once, as its first message in the run: the offset that stores it is the
 * one that tallies it, and a redelivery cut elsewhere must find the same one.
 */
function firstOfEach(sales: DeliveredSale[]): DeliveredSale[] {
  const first = new Map<string, DeliveredSale>();
  for (const sale of sales)
    if (!first.has(sale.transaction.transactionId)) first.set(sale.transaction.transactionId, sale);
  return [...first.values()];
}
