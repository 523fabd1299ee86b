import { Injectable } from '@nestjs/common';
import { maySeeHealth, type MemberView } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { HealthAuditRepository } from './health-audit.repository';
import type { MemberDocument } from './member.document';
import { toMemberView } from './member.mapper';

/**
 * Turns stored members into views for one caller: health details only for the roles that may
 * see them (CONTRACTS.md §1), and every time they are shown, one audit record.
 */
@Injectable()
export class MemberViews {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly audit: HealthAuditRepository,
  ) {}

  async forReader(
    doc: MemberDocument,
    actor: RpcActor | undefined,
    purpose: string,
  ): Promise<MemberView> {
    const view = toMemberView(doc, this.cipher, maySeeHealth(actor?.roles));
    if (view.health) await this.audit.record(view.id, 'read', purpose, actor);
    return view;
  }
}
