import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode, type RedeemPointsCommand, type RedemptionView } from '@crm/contracts';
import { KeyedLock, type RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import type { NewEntry, PointsEntry } from '../points/points-entry';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { outOfStock, RewardCatalogue } from '../rewards/reward-catalogue';
import type { RewardDocument } from '../rewards/rewards.repository';
import { RewardsRepository } from '../rewards/rewards.repository';

/**
 * Spends points on a catalogue reward. The entry's id is the member's idempotency key, so a
 * retried request gets the first answer (accepted or refused), even once the reward is
 * withdrawn; the ledger decides in the member's write turn, so concurrent redemptions never
 * overdraw the balance. A reward with stock is taken from it first and given back if the
 * points are refused, so it is never oversold. A new redemption for an erased member is refused
 * (`MEMBER.ERASED`): no one is left to collect the reward.
 */
@Injectable()
export class RedeemPoints {
  /** One request per idempotency key at a time here, so a retry never takes stock twice. */
  private readonly requests = new KeyedLock();

  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly catalogue: RewardCatalogue,
    private readonly rewards: RewardsRepository,
    private readonly erasures: ErasuresRepository,
    private readonly access: MemberAdministration,
  ) {}

  /** Any store's till may redeem (serving is chain-wide); the entry keeps the acting store. */
  execute(command: RedeemPointsCommand, actor: RpcActor | undefined): Promise<RedemptionView> {
    return inSpan('loyalty.points.redeem', async () => {
      const id = `redeem:${command.id}:${command.idempotencyKey}`;
      const quantity = command.quantity ?? 1;
      let reward: RewardDocument;
      try {
        reward = this.catalogue.offered(command.rewardId, quantity);
      } catch (refusal) {
        // Withdrawn since? A retry still gets the first answer.
        const earlier = await this.repository.entry(id);
        if (!earlier) throw refusal;
        return this.answer(await this.ledger.spend(earlier));
      }
      // Asked in the member's write turn; a refusal after stock was taken leaves it taken.
      const refuseErased = (memberId: string) => this.erasures.refuseIfErased(memberId);
      const staff = await this.access.serving(command.id, actor);
      const redemption: NewEntry = {
        _id: id,
        memberId: command.id,
        kind: 'redeem',
        points: -reward.points * quantity,
        lines: [],
        reward: { id: reward._id, quantity },
        ...staff,
        at: new Date(),
      };
      if (reward.stock === undefined)
        return this.answer(await this.ledger.spend(redemption, refuseErased));
      return this.requests.run(id, async () => {
        const earlier = await this.repository.entry(id);
        if (earlier) return this.answer(await this.ledger.spend(earlier));
        if (!(await this.rewards.takeStock(reward._id, quantity))) throw outOfStock(reward._id);
        // A spend that throws may still have gone in: its stock stays taken (under-counted,
        // never oversold).
        const entry = await this.ledger.spend(redemption, refuseErased);
        if (entry.rejected) await this.rewards.returnStock(reward._id, quantity);
        return this.answer(entry);
      });
    });
  }

  private answer(entry: PointsEntry): RedemptionView {
    if (entry.rejected) throw insufficient(entry);
    return {
      redemptionId: entry._id,
      memberId: entry.memberId,
      rewardId: entry.reward!.id,
      quantity: entry.reward!.quantity,
      points: -entry.points,
      balanceAfter: entry.balanceAfter!,
      at: entry.at.toISOString(),
    };
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
