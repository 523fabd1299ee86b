import {
  POINTS_ADJUSTED,
  POINTS_BONUS,
  POINTS_EARNED,
  POINTS_EXPIRED,
  POINTS_REDEEMED,
  POINTS_REVERSED,
  type PointsChangedPayload,
  type PointsEntryKind,
  Topics,
} from '@crm/contracts';
import { eventIdFor, newEnvelope, type OutboxEntry } from '@crm/messaging';
import type { PointsEntry } from './points-entry';

/** The `points.*` event that announces a ledger entry: keyed by member, its id by the entry's. */
function pointsEvent(
  type: string,
  entry: Pick<
    PointsEntry,
    '_id' | 'memberId' | 'kind' | 'points' | 'transactionId' | 'reward' | 'at'
  >,
): OutboxEntry {
  return {
    topic: Topics.loyaltyEvents,
    envelope: newEnvelope<PointsChangedPayload>({
      id: eventIdFor(type, entry._id),
      type,
      source: 'loyalty',
      key: entry.memberId,
      payload: {
        memberId: entry.memberId,
        entryId: entry._id,
        kind: entry.kind,
        points: entry.points,
        ...(entry.transactionId ? { transactionId: entry.transactionId } : {}),
        ...(entry.reward ? { rewardId: entry.reward.id, quantity: entry.reward.quantity } : {}),
        at: entry.at.toISOString(),
      },
    }),
  };
}

/** The event each kind of entry announces itself with; a merge's two entries announce nothing. */
const EVENT_OF_KIND: Record<PointsEntryKind, string | null> = {
  earn: POINTS_EARNED,
  reverse: POINTS_REVERSED,
  redeem: POINTS_REDEEMED,
  adjust: POINTS_ADJUSTED,
  expire: POINTS_EXPIRED,
  bonus: POINTS_BONUS,
  merge: null,
};

/** The event that announces an entry, by its kind (none for a merge or a refusal). */
export function entryEvent(
  entry: Pick<
    PointsEntry,
    '_id' | 'memberId' | 'kind' | 'points' | 'transactionId' | 'reward' | 'at' | 'rejected'
  >,
): OutboxEntry[] {
  const type = EVENT_OF_KIND[entry.kind];
  return type && !entry.rejected ? [pointsEvent(type, entry)] : [];
}
