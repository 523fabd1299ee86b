import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope, MemberRegisteredPayload } from '@crm/contracts';
import { PointsAccountRepository } from './points-account.repository';

/** Every registered member gets a points account with a zero balance. */
@Injectable()
export class OpenPointsAccount {
  private readonly logger = new Logger(OpenPointsAccount.name);

  constructor(private readonly accounts: PointsAccountRepository) {}

  async execute(
    payload: MemberRegisteredPayload,
    envelope: EventEnvelope<MemberRegisteredPayload>,
  ): Promise<void> {
    await this.accounts.openOnce(payload.memberId, envelope.id, new Date(payload.registeredAt));
    this.logger.log({ memberId: payload.memberId, eventId: envelope.id }, 'points account open');
  }
}
