import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { failpoint } from '@crm/config';
import type { PurchaseRecordedPayload, Tier } from '@crm/contracts';
import { sendEvents } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { InjectProducer } from '@crm/service-kit';
import { EarningRules } from '../earning-rules/earning-rules';
import type { EarningSettings } from '../points/earning';
import { EARNING_SETTINGS } from '../points/earning-settings';
import { entryEvent } from '../points/points-event';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import { RunJournal } from '../points/ledger/run-journal';
import type { NewEntry, PointsEntry } from '../points/points-entry';
import { refundEntry, saleEntry } from '../points/purchase-entries';
import { MemberTierRepository } from '../tiers/member-tier.repository';
import {
  type BookInRun,
  countInRun,
  localMonth,
  monthsInWindow,
  type TransactionSpend,
} from '../tiers/rolling-spend';
import { RunSettlement } from './run-settlement';

/**
 * A run of `purchase.recorded` events, in their order → points and tier spend: a few queries
 * for the whole run and one insert for its ledger entries; balances and tiers change in memory
 * and are written later, once for many runs (RunSettlement). Each purchase is worked out as if
 * alone, in order: a sale earns with the tier its member held when it was counted, its spend
 * may then raise the tier; a refund takes back its sale's share. Everything is keyed by
 * transaction, so a redelivered run changes nothing twice.
 */
@Injectable()
export class CountPurchases {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly journal: RunJournal,
    private readonly tiers: MemberTierRepository,
    private readonly rules: EarningRules,
    private readonly settlement: RunSettlement,
    @InjectProducer() private readonly producer: Producer,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  execute(purchases: PurchaseRecordedPayload[]): Promise<void> {
    return inSpan('loyalty.purchases.count', async () => {
      await this.settlement.recovered;
      // What refunds take back: their sales' entries as stored, and earlier reversals. A sale or
      // refund already on file (a redelivery) is worked out again, and its insert then refused.
      const originals = purchases
        .filter((p) => p.type === 'refund' && p.originalTransactionId)
        .map((refund) => refund.originalTransactionId!);
      const [onFile, reversals] = await Promise.all([
        this.repository.entriesById(originals.map((id) => `earn:${id}`)),
        this.repository.reversalsOfAny(originals),
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
      const { runId, changed } = await this.tiers.serializeAll(memberIds, async () => {
        const members = await this.tiers.booksInRun([...memberIds]);
        const { entries, spend } = this.walk(counted, members, onFile, reversals, holders);
        // The entries go on file, with their events sent, before anything is kept in memory:
        // after a crash the open run is finished from them (RunSettlement).
        const runId = await this.journal.open(spend);
        try {
          const posted = await this.ledger.insertRun(runId, entries);
          await sendEvents(this.producer, posted.flatMap(entryEvent));
          failpoint('loyalty.purchases.run-posted'); // entries on file, balances not yet kept
          const accounts = await this.ledger.applyRun(runId, posted);
          return { runId, changed: [...accounts, ...this.tiers.keepCounted(members)] };
        } catch (error) {
          this.journal.abandon(runId);
          throw error;
        }
      });
      // Out of the members' turns: it may write them.
      await this.settlement.track(runId, changed);
    });
  }

  /**
   * Walks the run in order: the new entries, each member's spend book as it goes (a raise
   * counts for the member's next sale), and every purchase's spend for the run's record.
   */
  private walk(
    purchases: PurchaseRecordedPayload[],
    members: Map<string, BookInRun>,
    onFile: Map<string, PointsEntry>,
    reversals: PointsEntry[],
    holders: Map<string, string>,
  ): { entries: NewEntry[]; spend: TransactionSpend[] } {
    const known = new Map<string, Pick<PointsEntry, '_id' | 'memberId' | 'lines' | 'expiresAfter'>>(
      onFile,
    );
    const reversalsOf = new Map<string, PointsEntry[]>();
    const addReversal = (reversal: PointsEntry) => {
      const sale = reversal.originalTransactionId!;
      reversalsOf.set(sale, [...(reversalsOf.get(sale) ?? []), reversal]);
    };
    reversals.forEach(addReversal);
    const now = new Date();
    const window = monthsInWindow(now, this.settings.utcOffsetMinutes);
    const entries: NewEntry[] = [];
    const spend: TransactionSpend[] = [];
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
      const one: TransactionSpend = {
        memberId: purchase.memberId,
        transactionId: purchase.transactionId,
        month: localMonth(new Date(purchase.occurredAt), this.settings.utcOffsetMinutes),
        cents: purchase.type === 'refund' ? -purchase.totalCents : purchase.totalCents,
      };
      spend.push(one);
      countInRun(member, one, window, now);
    }
    return { entries, spend };
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
