import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type PutSlaPoliciesCommand,
  type SlaPoliciesView,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { ComplaintsClock } from '../clock/complaints-clock';
import { requestFromSettings, settingsFromRequest } from './sla-policies';
import { type SlaSettingsRecord, SlaSettingsRepository } from './sla-settings.repository';

function viewOf(record: SlaSettingsRecord): SlaPoliciesView {
  return {
    ...requestFromSettings(record.settings),
    updatedAt: record.updatedAt ? record.updatedAt.toISOString() : null,
    updatedBy: record.updatedBy,
  };
}

/** The SLA policies as data, read and replaced by admins (the gateway checks the role too). */
@Injectable()
export class SlaPolicies {
  constructor(
    private readonly settings: SlaSettingsRepository,
    private readonly clock: ComplaintsClock,
  ) {}

  get(actor: RpcActor | undefined): Promise<SlaPoliciesView> {
    return inSpan('complaints.sla-policies.get', async () => {
      assertAdmin(actor);
      return viewOf(await this.settings.read());
    });
  }

  put(command: PutSlaPoliciesCommand, actor: RpcActor | undefined): Promise<SlaPoliciesView> {
    return inSpan('complaints.sla-policies.put', async () => {
      assertAdmin(actor);
      const settings = settingsFromRequest(command.policies);
      await this.settings.replace(settings, actor!.sub, this.clock.now());
      return viewOf(await this.settings.read());
    });
  }
}

function assertAdmin(actor: RpcActor | undefined): void {
  if (!actor?.roles.includes('admin'))
    throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Only admins read and change the SLA policies');
}
