import { Inject, Injectable } from '@nestjs/common';
import { type AdjustPointsCommand, type PointsEntryView } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import type { EarningSettings } from './earning';
import { EARNING_SETTINGS, expiryMonth } from './earning-settings';
import { PointsLedger } from './ledger/points-ledger.port';
import type { NewEntry } from './points-entry';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { entryView } from './get-points.handler';

/**
 * A manual correction by a store manager or an admin (the gateway checks the role): an
 * administrative change, so a store manager corrects only their own store's members (refused
 * with ACCESS.OTHER_STORE, checked here). Its reason, author and acting store are on the entry. Keyed by the request's idempotency key; it may take the
 * balance below zero, as a refund of spent points does. Refused for an erased member
 * (`MEMBER.ERASED`): its reason would be new personal data about someone who asked to be
 * forgotten, and there is no one left to serve.
 */
@Injectable()
export class AdjustPoints {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly erasures: ErasuresRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
    private readonly access: MemberAdministration,
  ) {}

  execute(command: AdjustPointsCommand, actor: RpcActor | undefined): Promise<PointsEntryView> {
    return inSpan('loyalty.points.adjust', async () => {
      const staff = await this.access.authorize(command.id, actor, 'adjust points');
      const id = `adjust:${command.id}:${command.idempotencyKey}`;
      const at = new Date();
      const adjustment: NewEntry = {
        _id: id,
        memberId: command.id,
        kind: 'adjust',
        points: command.points,
        lines: [],
        reason: command.reason,
        // Points given live as long as points earned; points taken come off the oldest.
        ...(command.points > 0 ? { expiresAfter: expiryMonth(at, this.settings) } : {}),
        ...staff,
        at,
      };
      // Decided in the member's write turn, where the erasure scrubs the reasons (see forgetReasons).
      const entry = await this.ledger.post(adjustment, (id) => this.erasures.refuseIfErased(id));
      return entryView(entry);
    });
  }
}
