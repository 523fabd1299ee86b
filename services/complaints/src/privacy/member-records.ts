import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { MemberErasedPayload, MemberMergedPayload } from '@crm/contracts';
import { dbSpan } from '@crm/observability';
import { CaseEffects } from '../cases/case-effects';
import type { CaseVersion } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { FeedbackRequestsRepository } from '../feedback/feedback-requests.repository';
import { redactContacts } from './redact-contacts';

/** Rewrites of one case before its steps read clean; another writer may undo one (see below). */
const MAX_ROUNDS = 5;

/**
 * What `member.erased` and `member.merged` do to cases. A case stays (quality records need it:
 * what was wrong, with which batch, how it was handled); the person goes or moves.
 *
 * These are the one exception to "a version is never changed": the case's link to its member
 * (on the intake, v1) and the contact details in the free text are rewritten in place, then the
 * case is projected again. A transition never writes the member (its step carries none), so a
 * step decided before the event cannot put the old member back; its free text is caught either
 * here (the steps are read again after the intake is rewritten) or by the transition, which
 * reads the intake after its insert (`settleStep`). The intake is rewritten last, so a crash
 * before it leaves the member linked and the redelivered event finds the case again. Both are
 * idempotent (the second delivery finds nothing under the old id, redacted text redacts to
 * itself).
 */
@Injectable()
export class MemberRecords {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly effects: CaseEffects,
    private readonly feedback: FeedbackRequestsRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(MemberRecords.name);
  }

  /** The member's cases lose their link to the person and any contact details typed in. */
  async erase(payload: MemberErasedPayload): Promise<number> {
    const cases = await this.versions.casesOfMember(payload.memberId);
    for (const caseId of cases)
      await this.rewriteCase(caseId, (step) => anonymised(step, payload.memberId));
    // Questions not sent yet are not sent; those sent keep their outcome, without the person.
    await dbSpan('complaint_feedback_requests', 'update', () =>
      this.feedback.collection.updateMany(
        { memberId: payload.memberId, status: 'due' },
        { $set: { status: 'cancelled', outcome: 'member erased' } },
      ),
    );
    await dbSpan('complaint_feedback_requests', 'update', () =>
      this.feedback.collection.updateMany(
        { memberId: payload.memberId },
        { $set: { memberId: null } },
      ),
    );
    if (cases.length > 0)
      this.logger.info(
        { memberId: payload.memberId, cases: cases.length },
        'member erased from complaints',
      );
    return cases.length;
  }

  /** The merged record's cases now belong to the survivor. */
  async merge(payload: MemberMergedPayload): Promise<number> {
    const cases = await this.versions.casesOfMember(payload.mergedId);
    for (const caseId of cases)
      await this.rewriteCase(caseId, (step) => moved(step, payload.mergedId, payload.survivorId));
    await dbSpan('complaint_feedback_requests', 'update', () =>
      this.feedback.collection.updateMany(
        { memberId: payload.mergedId },
        { $set: { memberId: payload.survivorId } },
      ),
    );
    if (cases.length > 0)
      this.logger.info(
        { mergedId: payload.mergedId, survivorId: payload.survivorId, cases: cases.length },
        'complaints moved to the surviving member',
      );
    return cases.length;
  }

  /**
   * After a transition's insert: if its case's member was erased since the transition read the
   * case, the step's free text is redacted as the erasure redacted the others. The erasure reads
   * the steps again after rewriting the intake, and this reads the intake after the insert, so
   * of the two at least one sees the other. `memberNow`: the intake's member as read after the
   * insert already (by the step's effects), else it is read here. Returns whether it rewrote the
   * case's steps.
   */
  async settleStep(
    step: CaseVersion,
    memberAtDecision: string | null,
    memberNow?: string | null,
  ): Promise<boolean> {
    if (memberAtDecision === null) return false;
    if ((memberNow === undefined ? await this.versions.memberOf(step.caseId) : memberNow) !== null)
      return false;
    await this.rewriteCase(step.caseId, (s) => anonymised(s, memberAtDecision));
    return true;
  }

  /**
   * Rewrites the case's steps (the intake last), then reads them all again and rewrites what is
   * still not as it should be: a step inserted meanwhile, or a rewrite undone by another writer
   * of the same step (the local store applies an update as read, change, write), until they read
   * clean; then the case is projected again.
   */
  private async rewriteCase(
    caseId: string,
    change: (step: CaseVersion) => Partial<CaseVersion> | null,
  ): Promise<void> {
    for (let round = 1; ; round++) {
      const steps = await this.versions.ofCase(caseId);
      const due = steps
        .map((step) => ({ step, fields: change(step) }))
        .filter((d): d is { step: CaseVersion; fields: Partial<CaseVersion> } => !!d.fields)
        .sort((a, b) => b.step.version - a.step.version);
      if (due.length === 0) break;
      if (round > MAX_ROUNDS)
        throw new Error(`case ${caseId}: member rewrite not settled after ${MAX_ROUNDS} rounds`);
      for (const { step, fields } of due) await this.versions.rewrite(step._id, fields);
    }
    await this.effects.apply(caseId);
  }
}

/** What changes on a step of an erased member's case; null when it is clean already. */
function anonymised(step: CaseVersion, memberId: string): Partial<CaseVersion> | null {
  const fields: Partial<CaseVersion> = {};
  if (step.memberId === memberId) fields.memberId = null;
  if (step.note !== null && redactContacts(step.note) !== step.note)
    fields.note = redactContacts(step.note);
  const intake = step.intake;
  if (intake) {
    const reaction = intake.adverseReaction;
    if (
      intake.memberId === memberId ||
      redactContacts(intake.description) !== intake.description ||
      (reaction && redactContacts(reaction.reaction) !== reaction.reaction)
    )
      fields.intake = {
        ...intake,
        memberId: intake.memberId === memberId ? null : intake.memberId,
        description: redactContacts(intake.description),
        ...(reaction
          ? { adverseReaction: { ...reaction, reaction: redactContacts(reaction.reaction) } }
          : {}),
      };
  }
  const resolution = step.change.resolution;
  if (resolution !== undefined && redactContacts(resolution) !== resolution)
    fields.change = { ...step.change, resolution: redactContacts(resolution) };
  return Object.keys(fields).length > 0 ? fields : null;
}

/** What changes on a step of a merged member's case; null when it has moved already. */
function moved(
  step: CaseVersion,
  mergedId: string,
  survivorId: string,
): Partial<CaseVersion> | null {
  const fields: Partial<CaseVersion> = {};
  if (step.memberId === mergedId) fields.memberId = survivorId;
  if (step.intake?.memberId === mergedId) fields.intake = { ...step.intake, memberId: survivorId };
  return Object.keys(fields).length > 0 ? fields : null;
}
