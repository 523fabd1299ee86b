import { Injectable } from '@nestjs/common';
import {
  type Allergen,
  AppError,
  ErrorCode,
  maySeeHealth,
  type SafetyCheckCommand,
  type SafetyCheckResult,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { CareBus } from '../bus/care-bus';
import { CareHealthAuditRepository } from '../indicators/health-audit.repository';
import { type MemberMedication, safetyCheck } from './safety-check';

/**
 * Checks products for a member: their allergies and regular medications come from the members
 * service (asked in the pharmacist's name, so it audits the read there), the rules from the
 * table kept as data. Nothing is kept; the check is audited here as a read of health data.
 */
@Injectable()
export class CheckProductSafety {
  constructor(
    private readonly bus: CareBus,
    private readonly audit: CareHealthAuditRepository,
  ) {}

  execute(command: SafetyCheckCommand, actor?: RpcActor): Promise<SafetyCheckResult> {
    return inSpan('care.safety-check', async () => {
      if (!actor || !maySeeHealth(actor.roles))
        throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Safety checks are for the health roles');
      const { known, allergies, medications } = (await this.healthFor(
        command.memberId,
        actor,
        'safety-check',
      ))!;
      const { warnings, unchecked } = safetyCheck(command.products, allergies, medications);
      return {
        memberId: command.memberId,
        healthKnown: known,
        allergies: allergies.length,
        medications: medications.length,
        warnings,
        unchecked,
      };
    });
  }

  /**
   * The member's allergies and regular medications, read in the staff member's name and
   * audited under `purpose`; null when they may not read health data (nothing is read).
   */
  async healthFor(
    memberId: string,
    actor: RpcActor | undefined,
    purpose: string,
  ): Promise<{ known: boolean; allergies: Allergen[]; medications: MemberMedication[] } | null> {
    if (!actor || !maySeeHealth(actor.roles)) return null;
    const health = await this.bus.healthOf(memberId, actor);
    const allergies = (health?.allergies ?? []).map((a) => a.allergen);
    const medications = (health?.medications ?? []).map((m) => ({
      name: m.name,
      ...(m.atc ? { atc: m.atc } : {}),
    }));
    await this.audit.record(memberId, 'read', purpose, actor, ['allergies', 'medications']);
    return { known: health !== null && health !== undefined, allergies, medications };
  }
}
