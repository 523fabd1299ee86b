import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  POINTS_REDEEMED,
  type RedeemPointsCommand,
  type RedemptionView,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { pointsEvent } from '../points/points-event';
import {
  type NewEntry,
  type PointsEntry,
  PointsLedgerRepository,
} from '../points/points-ledger.repository';
import { LoyaltyOutbox } from '../loyalty-outbox';
import { rewardById } from './reward-catalogue';

/**
 * Spends points on a catalogue reward. The entry's id is the member's idempotency key, so a
 * retried request gets the first answer (accepted or refused); the ledger decides in the
 * member's write turn, so concurrent redemptions never overdraw the balance.
 */
@Injectable()
export class RedeemPoints {
  constructor(
    private readonly ledger: PointsLedgerRepository,
    private readonly outbox: LoyaltyOutbox,
  ) {}

  execute(command: RedeemPointsCommand, staffId: string | undefined): Promise<RedemptionView> {
    return inSpan('loyalty.points.redeem', async () => {
      const reward = rewardById(command.rewardId);
      if (!reward)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Unknown reward', [
          { field: 'rewardId', reasons: ['must be a reward of the catalogue'] },
        ]);
      const quantity = command.quantity ?? 1;
      const id = `redeem:${command.id}:${command.idempotencyKey}`;
      const at = new Date();
      const redemption: NewEntry = {
        _id: id,
        memberId: command.id,
        kind: 'redeem',
        points: -reward.points * quantity,
        lines: [],
        reward: { id: reward.id, quantity },
        ...(staffId ? { staffId } : {}),
        at,
      };
      const entry = await this.ledger.spend(redemption, pointsEvent(POINTS_REDEEMED, redemption));
      if (entry.rejected) throw insufficient(entry);
      this.outbox.nudge();
      return {
        redemptionId: entry._id,
        memberId: entry.memberId,
        rewardId: entry.reward!.id,
        quantity: entry.reward!.quantity,
        points: -entry.points,
        balanceAfter: entry.balanceAfter!,
        at: entry.at.toISOString(),
      };
    });
  }
}

function insufficient(entry: PointsEntry): AppError {
  const { requestedPoints, balance, available } = entry.rejected!;
  return new AppError(
    ErrorCode.POINTS_INSUFFICIENT,
    `The reward costs ${requestedPoints} points; the member may spend ${available} of ${balance}`,
    [
      {
        field: 'rewardId',
        reasons: [
          `needs ${requestedPoints} points, ${available} of the balance of ${balance} may be spent (the rest is in its return window)`,
        ],
      },
    ],
  );
}
