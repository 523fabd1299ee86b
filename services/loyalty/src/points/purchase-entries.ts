import type { PurchaseRecordedPayload, Tier } from '@crm/contracts';
import { levelOf } from '../tiers/tier-table';
import {
  earnedLines,
  type EarningRule,
  type EarningSettings,
  pointsOf,
  reversedLines,
} from './earning';
import { expiryMonth } from './earning-settings';
import type { NewEntry, PointsEntry } from './points-entry';

/**
 * The ledger entry a sale earns: by the rule in force when it was made and the tier its member
 * held when it was counted, kept per product; null when it earns nothing.
 */
export function saleEntry(
  sale: PurchaseRecordedPayload,
  tier: Tier,
  rule: EarningRule,
  settings: EarningSettings,
): NewEntry | null {
  const occurredAt = new Date(sale.occurredAt);
  const lines = earnedLines(sale.items, occurredAt, rule, {
    utcOffsetMinutes: settings.utcOffsetMinutes,
    tierMultiplier: levelOf(tier).benefits.pointsMultiplier,
  });
  const points = pointsOf(lines);
  if (points === 0) return null;
  return {
    _id: `earn:${sale.transactionId}`,
    memberId: sale.memberId,
    kind: 'earn',
    points,
    lines,
    transactionId: sale.transactionId,
    at: occurredAt,
    availableAt: new Date(occurredAt.getTime() + settings.returnWindowDays * 86_400_000),
    expiresAfter: expiryMonth(occurredAt, settings),
  };
}

/**
 * The entry a refund posts: the refunded products' share of exactly what the sale earned
 * (`earned`), less what earlier refunds of it took back, on the account holding the points.
 * Null when nothing is taken back.
 */
export function refundEntry(
  refund: PurchaseRecordedPayload,
  earned: Pick<PointsEntry, 'lines' | 'expiresAfter'>,
  earlierReversals: Pick<PointsEntry, '_id' | 'lines'>[],
  holder: string,
): NewEntry | null {
  const id = `reverse:${refund.transactionId}`;
  const before = earlierReversals
    .filter((reversal) => reversal._id !== id)
    .flatMap((reversal) => reversal.lines);
  const lines = reversedLines(earned.lines, before, refund.items);
  if (lines.length === 0) return null;
  return {
    _id: id,
    memberId: holder,
    kind: 'reverse',
    points: -pointsOf(lines),
    lines,
    transactionId: refund.transactionId,
    originalTransactionId: refund.originalTransactionId!,
    ...(earned.expiresAfter ? { expiresAfter: earned.expiresAfter } : {}),
    at: new Date(refund.occurredAt),
  };
}
