import { Inject, Injectable } from '@nestjs/common';
import { POINTS_EARNED, POINTS_REVERSED, type PurchaseRecordedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { EarningRules } from '../earning-rules/earning-rules';
import { MemberTierRepository } from '../tiers/member-tier.repository';
import { levelOf } from '../tiers/tier-table';
import { earnedLines, type EarningSettings, pointsOf, reversedLines } from './earning';
import { EARNING_SETTINGS, expiryMonth } from './earning-settings';
import { pointsEvent } from './points-event';
import { type PointsEntry, PointsLedgerRepository } from './points-ledger.repository';
import { LoyaltyOutbox } from '../loyalty-outbox';

/**
 * `purchase.recorded` (its member already resolved past merges) → the ledger. A sale earns by the rule in force when it was made,
 * kept per product on its entry; a refund takes back the refunded products' share of exactly
 * that, whatever the settings are now. Entries are keyed by their transaction, so a
 * redelivered event posts nothing new.
 */
@Injectable()
export class EarnPoints {
  constructor(
    private readonly ledger: PointsLedgerRepository,
    private readonly outbox: LoyaltyOutbox,
    private readonly rules: EarningRules,
    private readonly tiers: MemberTierRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  execute(purchase: PurchaseRecordedPayload): Promise<void> {
    return inSpan('loyalty.points.earn', async () => {
      const entry =
        purchase.type === 'sale' ? await this.forSale(purchase) : await this.forRefund(purchase);
      if (!entry || entry.lines.length === 0) return;
      await this.ledger.post(
        entry,
        pointsEvent(entry.kind === 'reverse' ? POINTS_REVERSED : POINTS_EARNED, entry),
      );
      this.outbox.nudge();
    });
  }

  private async forSale(sale: PurchaseRecordedPayload): Promise<NewLedgerEntry | null> {
    const occurredAt = new Date(sale.occurredAt);
    const { memberId } = sale;
    // The tier held when the sale is counted; the sale's own spend may raise it afterwards.
    const tier = (await this.tiers.find(memberId))?.tier ?? 'regular';
    const lines = earnedLines(sale.items, occurredAt, this.rules.ruleAt(occurredAt), {
      utcOffsetMinutes: this.settings.utcOffsetMinutes,
      tierMultiplier: levelOf(tier).benefits.pointsMultiplier,
    });
    const points = pointsOf(lines);
    if (points === 0) return null;
    return {
      _id: `earn:${sale.transactionId}`,
      memberId,
      kind: 'earn',
      points,
      lines,
      transactionId: sale.transactionId,
      at: new Date(sale.occurredAt),
      availableAt: new Date(occurredAt.getTime() + this.settings.returnWindowDays * 86_400_000),
      expiresAfter: expiryMonth(occurredAt, this.settings),
    };
  }

  private async forRefund(refund: PurchaseRecordedPayload): Promise<NewLedgerEntry | null> {
    if (!refund.originalTransactionId) return null;
    const earned = await this.ledger.entry(`earn:${refund.originalTransactionId}`);
    if (!earned) return null; // the sale earned nothing, or was not a member's
    const id = `reverse:${refund.transactionId}`;
    const before = (await this.ledger.reversalsOf(refund.originalTransactionId))
      .filter((reversal) => reversal._id !== id)
      .flatMap((reversal) => reversal.lines);
    const lines = reversedLines(earned.lines, before, refund.items);
    return {
      _id: id,
      // The sale's member (or who it was merged into): where the points went.
      memberId: await this.ledger.holderOf(earned.memberId),
      kind: 'reverse',
      points: -pointsOf(lines),
      lines,
      transactionId: refund.transactionId,
      originalTransactionId: refund.originalTransactionId,
      ...(earned.expiresAfter ? { expiresAfter: earned.expiresAfter } : {}),
      at: new Date(refund.occurredAt),
    };
  }
}

type NewLedgerEntry = Parameters<PointsLedgerRepository['post']>[0];

export type { PointsEntry };
