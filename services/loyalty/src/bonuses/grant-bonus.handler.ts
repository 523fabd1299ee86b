import { Inject, Injectable } from '@nestjs/common';
import { type BonusView, type GrantBonusCommand } from '@crm/contracts';
import { KeyedLock, type RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import type { EarningSettings } from '../points/earning';
import { EARNING_SETTINGS, expiryMonth } from '../points/earning-settings';
import { entryView } from '../points/get-points.handler';
import { PointsLedger } from '../points/ledger/points-ledger.port';
import { PointsRepository } from '../points/ledger/points.repository';
import type { NewEntry } from '../points/points-entry';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { BONUS_AMOUNTS, type BonusAmounts, bonusEntryId, bonusReason } from './bonus-amounts';

/**
 * A one-off bonus given by staff (the gateway checks the role; a store manager gives one to
 * their own store's members only, ACCESS.OTHER_STORE otherwise, checked here), posted as a ledger entry keyed
 * by what it is for, so a retry or a second click gives the first entry back (`created: false`)
 * and its amount as it was then, even if the settings changed since. None for an erased member
 * (`MEMBER.ERASED`).
 */
@Injectable()
export class GrantBonus {
  /** Requests for one entry, one at a time here, so `created` is true for exactly one of them. */
  private readonly grants = new KeyedLock();

  constructor(
    private readonly ledger: PointsLedger,
    private readonly repository: PointsRepository,
    private readonly erasures: ErasuresRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
    @Inject(BONUS_AMOUNTS) private readonly amounts: BonusAmounts,
    private readonly access: MemberAdministration,
  ) {}

  execute(command: GrantBonusCommand, actor: RpcActor | undefined): Promise<BonusView> {
    return inSpan('loyalty.points.bonus', async () => {
      // Before the replay of an earlier grant too: that answer is the member's ledger.
      const staff = await this.access.authorize(command.id, actor, 'give a bonus');
      // A merged duplicate's bonus is its survivor's: the same person gets the profile bonus once.
      const memberId = await this.ledger.holderOf(command.id);
      const id = bonusEntryId(command.kind, memberId, command.reference);
      return this.grants.run(id, async () => {
        const existing = await this.repository.entry(id);
        if (existing) return { ...entryView(existing), created: false };
        const at = new Date();
        const bonus: NewEntry = {
          _id: id,
          memberId,
          kind: 'bonus',
          points: this.amounts[command.kind],
          lines: [],
          reason: bonusReason(command.kind, command.reference),
          // Bonus points live as long as points earned, and may be spent at once.
          expiresAfter: expiryMonth(at, this.settings),
          ...staff,
          at,
        };
        const entry = await this.ledger.post(bonus, (id) => this.erasures.refuseIfErased(id));
        return { ...entryView(entry), created: !existing };
      });
    });
  }
}
