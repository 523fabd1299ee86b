import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import {
  type ComplaintAction,
  type ComplaintTransitionCommand,
  type ComplaintView,
  ErrorCode,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { assertHasRole, assertMayHandleCase, recordedRole } from '../access/case-access';
import { ComplaintsClock } from '../clock/complaints-clock';
import { CaseEffects } from '../cases/case-effects';
import { type CaseState, foldVersions } from '../cases/case-state';
import { type CaseVersion, versionId } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { type EffectsDebt, EffectsJournal } from '../cases/effects-journal';
import { allowedActions, decideStep, notAllowed } from '../cases/complaint-workflow';
import { ComplaintsConfig } from '../complaints.config';
import { GrantCompensation } from '../compensation/grant-compensation';
import { stepEvents } from '../events/complaint-events';
import { mayHaveAsked } from '../feedback/ask-for-feedback';
import { CaseReader, workflowSettings } from '../lookup/case-reader';
import { MemberRecords } from '../privacy/member-records';

/** Who may give compensation (docs/access-rules.md: "compensate a complaint with a coupon"). */
const COMPENSATORS = ['store_manager', 'desk_agent', 'admin'] as const;
/** An adverse-reaction case is a clinical matter: investigated and resolved by these. */
const ADR_HANDLERS = ['pharmacist', 'desk_agent', 'admin'] as const;

/**
 * One step of a case's workflow. Decided on the case as its versions stand (version n), and
 * made by inserting version n+1: of two concurrent steps exactly one inserts; the other reads
 * the winner and answers 409 COMPLAINT.CHANGED with what is allowed now. A resolution with
 * compensation records the decision in that same insert, then asks loyalty (GrantCompensation).
 */
@Injectable()
export class TransitionComplaint {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly reader: CaseReader,
    private readonly effects: CaseEffects,
    private readonly journal: EffectsJournal,
    private readonly grant: GrantCompensation,
    private readonly records: MemberRecords,
    private readonly config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(TransitionComplaint.name);
  }

  execute(
    command: ComplaintTransitionCommand,
    actor: RpcActor | undefined,
  ): Promise<ComplaintView> {
    return inSpan('complaints.transition', async () => {
      const { steps, state } = await this.reader.load(command.id);
      assertMayHandleCase(actor, state.storeId, `${command.action} this complaint`);
      if (command.compensation) assertHasRole(actor, COMPENSATORS, 'give compensation');
      if (
        state.category === 'adverse_reaction' &&
        ['investigate', 'resolve'].includes(command.action)
      )
        assertHasRole(actor, ADR_HANDLERS, `${command.action} an adverse-reaction case`);
      const now = this.clock.now();
      const decision = decideStep(
        state,
        command,
        actor?.sub ?? 'complaints',
        now,
        workflowSettings(this.config),
      );
      const step: Omit<CaseVersion, 'outbox' | 'outboxPending'> = {
        _id: versionId(state.id, state.version + 1),
        caseId: state.id,
        version: state.version + 1,
        action: command.action,
        actor: {
          staffId: actor?.sub ?? 'complaints',
          role: recordedRole(actor),
          storeId: actor?.storeId ?? null,
        },
        at: now,
        note: command.note ?? null,
        before: state.status,
        after: decision.after,
        change: decision.change,
        ...(decision.change.compensation ? { compensationPending: true as const } : {}),
      };
      // Owed from before the insert until the effects are applied (`EffectsJournal`).
      return this.journal.owing(state.id, step._id, (debt) =>
        this.take(command.action, step, steps, state, debt),
      );
    });
  }

  /** Inserts the step and applies what follows it, settling the debt once nothing is owed. */
  private async take(
    action: ComplaintAction,
    step: Omit<CaseVersion, 'outbox' | 'outboxPending'>,
    steps: CaseVersion[],
    state: CaseState,
    debt: EffectsDebt,
  ): Promise<ComplaintView> {
    // The event names the member as the case was read: one decided while the member was being
    // erased may still name them, as an event already sent would; consumers of complaint
    // events apply member.erased themselves.
    const events = stepEvents(step, steps[0]!.intake!);
    const stored: CaseVersion = {
      ...step,
      effectsJournal: debt.page,
      ...(events.length ? { outbox: events, outboxPending: true as const } : {}),
    };
    const inserted = await this.versions.insert(stored);
    if (!inserted) {
      debt.settled = true; // the step that won is its own replica's to follow through
      const winner = foldVersions(await this.versions.ofCase(state.id));
      throw notAllowed(
        winner,
        action,
        allowedActions(winner, this.clock.now(), workflowSettings(this.config)),
        ErrorCode.COMPLAINT_CHANGED,
      );
    }
    const compensated = Boolean(step.change.compensation);
    if (compensated) {
      failpoint('complaints.compensation.decided'); // decided and recorded, loyalty not asked
      await this.grant.execute(stored);
    }
    // The steps as read plus the one inserted, unless the compensation's outcome rewrote
    // them since: then they are read again. The answer's own reads (breaches, linked cases)
    // run beside the effects, unless the effects may ask for feedback, which it shows.
    const known = compensated ? undefined : [...steps, stored];
    const early =
      known && !mayHaveAsked(known) ? this.reader.viewOf(known, foldVersions(known)) : undefined;
    early?.catch(() => undefined); // awaited below, or dropped for a fresh read
    const applied = await this.effects
      .applyReadingMember(state.id, { known, pending: [stored._id] })
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error, caseId: state.id },
          'step effects left to the recovery pass',
        );
        return null;
      });
    debt.settled = applied !== null;
    // The member may have been erased since the case was read: this step's text goes too
    // (and the case is projected again). The effects read the intake after the insert.
    const rewritten = await this.records.settleStep(stored, state.memberId, applied?.member);
    if (!known || rewritten) return this.reader.view(state.id);
    return early ?? this.reader.viewOf(known, foldVersions(known));
  }
}
