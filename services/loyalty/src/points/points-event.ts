import { POINTS_EARNED, POINTS_REVERSED, type PointsChangedPayload, Topics } from '@crm/contracts';
import { eventIdFor, newEnvelope, type OutboxEntry } from '@crm/messaging';
import type { PointsEntry } from './points-ledger.repository';

/** The `points.*` event that announces a ledger entry: keyed by member, its id by the entry's. */
export function pointsEvent(
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

/** The event of an entry posted in a run (purchases): earned or reversed. */
export function runEntryEvent(
  entry: Pick<
    PointsEntry,
    '_id' | 'memberId' | 'kind' | 'points' | 'transactionId' | 'reward' | 'at'
  >,
): OutboxEntry {
  return pointsEvent(entry.kind === 'reverse' ? POINTS_REVERSED : POINTS_EARNED, entry);
}
