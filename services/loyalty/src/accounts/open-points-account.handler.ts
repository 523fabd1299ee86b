import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope, MemberRegisteredPayload } from '@crm/contracts';
import { PointsAccountRepository } from './points-account.repository';

/** Every registered member gets a points account with a zero balance. */
@Injectable()
export class OpenPointsAccount {
  constructor(private readonly accounts: PointsAccountRepository) {}

  execute(
    payload: MemberRegisteredPayload,
    envelope: EventEnvelope<MemberRegisteredPayload>,
  ): Promise<void> {
    return this.accounts.openOnce(payload.memberId, envelope.id, new Date(payload.registeredAt));
  }
}
