import { Inject, Injectable } from '@nestjs/common';
import {
  type AdjustPointsCommand,
  POINTS_ADJUSTED,
  type PointsChangedPayload,
  type PointsEntryView,
  Topics,
} from '@crm/contracts';
import { eventIdFor, newEnvelope } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import type { EarningSettings } from './earning';
import { EARNING_SETTINGS, expiryMonth } from './earning-settings';
import { PointsLedgerRepository } from './points-ledger.repository';
import { LoyaltyOutbox } from '../loyalty-outbox';
import { entryView } from './get-points.handler';

/**
 * A manual correction by a store manager or an admin (the gateway checks the role), with its
 * reason and author on the entry. Keyed by the request's idempotency key; it may take the
 * balance below zero, as a refund of spent points does.
 */
@Injectable()
export class AdjustPoints {
  constructor(
    private readonly ledger: PointsLedgerRepository,
    private readonly outbox: LoyaltyOutbox,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
  ) {}

  execute(command: AdjustPointsCommand, staffId: string | undefined): Promise<PointsEntryView> {
    return inSpan('loyalty.points.adjust', async () => {
      const id = `adjust:${command.id}:${command.idempotencyKey}`;
      const at = new Date();
      const payload: PointsChangedPayload = {
        memberId: command.id,
        entryId: id,
        kind: 'adjust',
        points: command.points,
        at: at.toISOString(),
      };
      const entry = await this.ledger.post(
        {
          _id: id,
          memberId: command.id,
          kind: 'adjust',
          points: command.points,
          lines: [],
          reason: command.reason,
          // Points given live as long as points earned; points taken come off the oldest.
          ...(command.points > 0 ? { expiresAfter: expiryMonth(at, this.settings) } : {}),
          ...(staffId ? { staffId } : {}),
          at,
        },
        {
          topic: Topics.loyaltyEvents,
          envelope: newEnvelope({
            id: eventIdFor(POINTS_ADJUSTED, id),
            type: POINTS_ADJUSTED,
            source: 'loyalty',
            key: command.id,
            payload,
          }),
        },
      );
      this.outbox.nudge();
      return entryView(entry);
    });
  }
}
