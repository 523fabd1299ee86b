import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { ComplaintView, ReceiveComplaintCommand } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { assertMayHandleCase, recordedRole } from '../access/case-access';
import { ComplaintsClock } from '../clock/complaints-clock';
import { CaseEffects } from '../cases/case-effects';
import { type CaseIntake, type CaseVersion, versionId } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { EffectsJournal } from '../cases/effects-journal';
import { stepEvents } from '../events/complaint-events';
import { CaseReader } from '../lookup/case-reader';
import { ADR_ESCALATION, adrReportDueAt } from '../quality/adverse-reaction';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The case id an intake's Idempotency-Key stands for, per staff member (keys are theirs, so two
 * people's keys never meet): `C` and 12 base-32 characters of a SHA-256 (60 bits). The same key
 * is the same case, so a retried intake inserts nothing new and gets the case as it stands.
 */
export function caseIdFor(staffId: string, idempotencyKey: string): string {
  const hash = createHash('sha256')
    .update(`complaint-intake\u0000${staffId}\u0000${idempotencyKey}`)
    .digest();
  let id = 'C';
  for (let i = 0; i < 12; i++) id += CROCKFORD[hash[i]! & 31];
  return id;
}

/**
 * Intake from store, hotline and online: answered at once with the case id and its due times.
 * Version 1 of the case is inserted under a key derived from the Idempotency-Key, with its
 * `complaint.received` event; an adverse reaction goes to a pharmacist at once with its ADR
 * reporting deadline. Store staff take complaints about their own store.
 */
@Injectable()
export class ReceiveComplaint {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly effects: CaseEffects,
    private readonly journal: EffectsJournal,
    private readonly reader: CaseReader,
    private readonly clock: ComplaintsClock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(ReceiveComplaint.name);
  }

  execute(command: ReceiveComplaintCommand, actor: RpcActor | undefined): Promise<ComplaintView> {
    return inSpan('complaints.receive', async () => {
      assertMayHandleCase(actor, command.storeId, `take a complaint about ${command.storeId}`);
      const caseId = caseIdFor(actor?.sub ?? 'complaints', command.idempotencyKey);
      const at = this.clock.now();
      const adr = command.adverseReaction;
      const intake: CaseIntake = {
        memberId: command.memberId ?? null,
        channel: command.channel,
        category: command.category,
        severity: command.severity,
        storeId: command.storeId,
        ...(command.transactionId ? { transactionId: command.transactionId } : {}),
        ...(command.sku ? { sku: command.sku } : {}),
        ...(command.batch ? { batch: command.batch } : {}),
        description: command.description,
        idempotencyKey: command.idempotencyKey,
        ...(command.category === 'adverse_reaction' && adr
          ? {
              adverseReaction: {
                drug: adr.drug,
                onsetAt: new Date(adr.onsetAt),
                reaction: adr.reaction,
                serious: adr.serious,
                outcome: adr.outcome,
                reportDueAt: adrReportDueAt(at, adr.serious),
                escalatedTo: ADR_ESCALATION,
              },
            }
          : {}),
      };
      const step: Omit<CaseVersion, 'outbox' | 'outboxPending'> = {
        _id: versionId(caseId, 1),
        caseId,
        version: 1,
        action: 'receive',
        actor: {
          staffId: actor?.sub ?? 'complaints',
          role: recordedRole(actor),
          storeId: actor?.storeId ?? null,
        },
        at,
        note: null,
        before: null,
        after: 'accepted',
        memberId: intake.memberId,
        intake,
        change: {},
      };
      const inserted = await this.insertAndApply(step, intake);
      const view = await this.reader.view(caseId);
      // A replay answers the case as it stands, to whoever may see it.
      if (!inserted) assertMayHandleCase(actor, view.storeId, 'read this complaint');
      return view;
    });
  }

  /**
   * Inserts the intake and applies what follows it, owed from before the insert
   * (`EffectsJournal`). False if the case was there already (a retried intake).
   */
  private insertAndApply(
    step: Omit<CaseVersion, 'outbox' | 'outboxPending'>,
    intake: CaseIntake,
  ): Promise<boolean> {
    return this.journal.owing(step.caseId, step._id, async (debt) => {
      const events = stepEvents(step, intake);
      const inserted = await this.versions.insert({
        ...step,
        effectsJournal: debt.page,
        outbox: events,
        outboxPending: true,
      });
      if (!inserted) {
        debt.settled = true; // the first intake's replica follows it through
        return false;
      }
      if (intake.adverseReaction)
        this.logger.warn(
          { caseId: step.caseId, serious: intake.adverseReaction.serious },
          'adverse reaction received: escalated to a pharmacist',
        );
      await this.effects.apply(step.caseId, { pending: [step._id] }).then(
        () => (debt.settled = true),
        (error: unknown) =>
          // The recovery pass finishes it: the case is taken, the answer goes out.
          this.logger.warn(
            { err: error, caseId: step.caseId },
            'intake effects left to the recovery pass',
          ),
      );
      return true;
    });
  }
}
