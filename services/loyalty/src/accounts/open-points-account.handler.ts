import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope, MemberRegisteredPayload } from '@crm/contracts';
import { PointsLedger } from '../points/ledger/points-ledger.port';

/** Every registered member gets a points account with a zero balance. */
@Injectable()
export class OpenPointsAccount {
  private readonly logger = new Logger(OpenPointsAccount.name);

  constructor(private readonly ledger: PointsLedger) {}

  async execute(
    payload: MemberRegisteredPayload,
    envelope: EventEnvelope<MemberRegisteredPayload>,
  ): Promise<void> {
    await this.ledger.open(payload.memberId, new Date(payload.registeredAt), envelope.id);
    this.logger.log({ memberId: payload.memberId, eventId: envelope.id }, 'points account open');
  }
}
