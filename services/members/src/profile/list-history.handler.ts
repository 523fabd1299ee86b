import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type ListMemberHistoryRequest,
  maySeeHealth,
  type MemberHistory,
} from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { HealthAuditRepository } from '../members/health-audit.repository';
import { HEALTH_FIELD } from '../members/member-crypto';
import { MemberRepository } from '../members/member.repository';
import { MemberHistoryRepository } from './member-history.repository';

/**
 * A member's change history, newest first. Health values are decrypted only for the roles
 * that may see health details (and that read is audited); others see that they changed.
 */
@Injectable()
export class ListMemberHistory {
  constructor(
    private readonly members: MemberRepository,
    private readonly history: MemberHistoryRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: HealthAuditRepository,
  ) {}

  execute(request: ListMemberHistoryRequest, actor?: RpcActor): Promise<MemberHistory> {
    return inSpan('members.history', async () => {
      const member = await this.members.findById(request.id);
      if (!member)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      await this.history.settle(request.id, member.pendingHistory);
      const records = await this.history.forMember(request.id);
      const showHealth = maySeeHealth(actor?.roles);
      const reveal = (value: unknown) =>
        typeof value === 'string' ? JSON.parse(this.cipher.decrypt(value, HEALTH_FIELD)) : null;
      let healthShown = false;
      const items = records.map((record) => ({
        at: record.at.toISOString(),
        actor: record.actor,
        roles: record.roles,
        actorStoreId: record.storeId ?? null,
        crossStore: record.crossStore ?? null,
        changes: record.changes.map((change) => {
          if (change.field !== 'health') return { ...change, masked: false };
          if (!showHealth) return { field: 'health', old: null, new: null, masked: true };
          healthShown = true;
          return {
            field: 'health',
            old: reveal(change.old),
            new: reveal(change.new),
            masked: false,
          };
        }),
      }));
      if (healthShown) await this.audit.record(request.id, 'read', 'member.history', actor);
      return { items };
    });
  }
}
