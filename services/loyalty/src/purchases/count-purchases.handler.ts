import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload, Tier } from '@crm/contracts';
import { forEachConcurrently } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { EarningRules } from '../earning-rules/earning-rules';
import { LoyaltyOutbox } from '../loyalty-outbox';
import type { EarningSettings } from '../points/earning';
import { EARNING_SETTINGS } from '../points/earning-settings';
import {
  type NewEntry,
  type PointsEntry,
  PointsLedgerRepository,
} from '../points/points-ledger.repository';
import { refundEntry, saleEntry } from '../points/purchase-entries';
import { MemberTierRepository } from '../tiers/member-tier.repository';
import { countedSpend, localMonth, monthsInWindow, type SpendBook } from '../tiers/rolling-spend';

/** Tier documents written at once: overlap for the store's round trips. */
const TIER_WRITES_IN_FLIGHT = 8;

interface MemberInRun {
  book: SpendBook;
  changes: { from: Tier; to: Tier; transactionId: string }[];
  counted: boolean;
}

/**
 * A run of `purchase.recorded` events, in their order → points and tier spend: a few queries
 * for the whole run, one insert for its ledger entries and one write per member for each of
 * the balance and the tier. Each purchase is worked out as if alone, in order: a sale earns
 * with the tier its member held when it was counted, its spend may then raise the tier; a
 * refund takes back its sale's share. Everything is keyed by transaction, so a redelivered run
 * changes nothing twice.
 */
@Injectable()
export class CountPurchases {
  constructor(
    private readonly ledger: PointsLedgerRepository,
    private readonly tiers: MemberTierRepository,
    private readonly rules: EarningRules,
    private readonly outbox: LoyaltyOutbox,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  execute(purchases: PurchaseRecordedPayload[]): Promise<void> {
    return inSpan('loyalty.purchases.count', async () => {
      // What refunds take back: their sales' entries as stored, and earlier reversals. A sale or
      // refund already on file (a redelivery) is worked out again, and its insert then refused.
      const originals = purchases
        .filter((p) => p.type === 'refund' && p.originalTransactionId)
        .map((refund) => refund.originalTransactionId!);
      const [onFile, reversals] = await Promise.all([
        this.ledger.entriesById(originals.map((id) => `earn:${id}`)),
        this.ledger.reversalsOfAny(originals),
      ]);
      // A merged member's purchases, and the points of its sales, count on the survivor.
      const holders = await this.ledger.holdersOf([
        ...new Set([
          ...purchases.map((p) => p.memberId),
          ...[...onFile.values()].map((e) => e.memberId),
        ]),
      ]);
      const counted = purchases.map((p) => ({ ...p, memberId: holders.get(p.memberId)! }));
      const memberIds = new Set(counted.map((p) => p.memberId));
      await this.tiers.serializeAll(memberIds, async () => {
        const held = await this.tiers.booksOf([...memberIds]);
        const members = new Map<string, MemberInRun>(
          [...memberIds].map((id) => [id, { book: held.get(id)!, changes: [], counted: false }]),
        );
        const entries = this.entriesOf(counted, members, onFile, reversals, holders);
        // Entries before tiers: once a tier write holds this run's raises, every entry of the run
        // is on file, so a replay's entries (worked out under those raises) are all refused.
        await this.ledger.postRun(entries);
        const now = new Date();
        await forEachConcurrently(
          [...members].filter(([, member]) => member.counted),
          TIER_WRITES_IN_FLIGHT,
          ([memberId, member]) =>
            this.tiers.saveUnlocked(memberId, member.book, member.changes, now),
        );
      });
      this.outbox.nudge();
    });
  }

  /** Walks the run in order: the new entries, and each member's spend book as it goes. */
  private entriesOf(
    purchases: PurchaseRecordedPayload[],
    members: Map<string, MemberInRun>,
    onFile: Map<string, PointsEntry>,
    reversals: PointsEntry[],
    holders: Map<string, string>,
  ): NewEntry[] {
    const known = new Map<string, Pick<PointsEntry, '_id' | 'memberId' | 'lines' | 'expiresAfter'>>(
      onFile,
    );
    const reversalsOf = new Map<string, PointsEntry[]>();
    const addReversal = (reversal: PointsEntry) => {
      const sale = reversal.originalTransactionId!;
      reversalsOf.set(sale, [...(reversalsOf.get(sale) ?? []), reversal]);
    };
    reversals.forEach(addReversal);
    const window = monthsInWindow(new Date(), this.settings.utcOffsetMinutes);
    const entries: NewEntry[] = [];
    for (const purchase of purchases) {
      const member = members.get(purchase.memberId)!;
      if (!known.has(entryIdOf(purchase))) {
        const entry = this.entryFor(purchase, member.book.tier, known, reversalsOf, holders);
        if (entry) {
          entries.push(entry);
          known.set(entry._id, entry);
          if (entry.originalTransactionId) addReversal(entry as PointsEntry);
        }
      }
      const cents = purchase.type === 'refund' ? -purchase.totalCents : purchase.totalCents;
      const month = localMonth(new Date(purchase.occurredAt), this.settings.utcOffsetMinutes);
      const book = countedSpend(member.book, purchase.transactionId, month, cents, window);
      if (!book) continue;
      if (book.tier !== member.book.tier)
        member.changes.push({
          from: member.book.tier,
          to: book.tier,
          transactionId: purchase.transactionId,
        });
      member.book = book;
      member.counted = true;
    }
    return entries;
  }

  private entryFor(
    purchase: PurchaseRecordedPayload,
    tier: Tier,
    known: Map<string, Pick<PointsEntry, '_id' | 'memberId' | 'lines' | 'expiresAfter'>>,
    reversalsOf: Map<string, PointsEntry[]>,
    holders: Map<string, string>,
  ): NewEntry | null {
    if (purchase.type === 'sale')
      return saleEntry(
        purchase,
        tier,
        this.rules.ruleAt(new Date(purchase.occurredAt)),
        this.settings,
      );
    const original = purchase.originalTransactionId;
    const earned = original ? known.get(`earn:${original}`) : undefined;
    if (!original || !earned) return null; // the sale earned nothing, or was not a member's
    // The points went to the sale's member, or to whom it was merged into.
    const holder = holders.get(earned.memberId) ?? earned.memberId;
    return refundEntry(purchase, earned, reversalsOf.get(original) ?? [], holder);
  }
}

/** The ledger entry a purchase would post: keyed by its transaction. */
function entryIdOf(purchase: PurchaseRecordedPayload): string {
  return `${purchase.type === 'sale' ? 'earn' : 'reverse'}:${purchase.transactionId}`;
}
