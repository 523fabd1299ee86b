import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { MemberErasedPayload, MemberMergedPayload } from '@crm/contracts';
import { dbSpan } from '@crm/observability';
import { CaseEffects } from '../cases/case-effects';
import type { CaseVersion } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { FeedbackRequestsRepository } from '../feedback/feedback-requests.repository';
import { redactContacts } from './redact-contacts';

/**
 * What `member.erased` and `member.merged` do to cases. A case stays (quality records need it:
 * what was wrong, with which batch, how it was handled); the person goes or moves.
 *
 * These are the one exception to "a version is never changed": the link to the member and the
 * contact details in the free text are rewritten in place on every step of the member's cases,
 * then each case is projected again from its steps. Both are idempotent (the second delivery
 * finds nothing under the old id, and redacted text redacts to itself), so a redelivered event
 * changes nothing.
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
    const steps = await this.versions.ofMemberAll(payload.memberId);
    for (const step of steps)
      await dbSpan('complaint_versions', 'update', () =>
        this.versions.collection.updateOne({ _id: step._id }, { $set: anonymised(step) }),
      );
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
    const cases = await this.reproject(steps);
    if (cases > 0)
      this.logger.info({ memberId: payload.memberId, cases }, 'member erased from complaints');
    return cases;
  }

  /** The merged record's cases now belong to the survivor. */
  async merge(payload: MemberMergedPayload): Promise<number> {
    const steps = await this.versions.ofMemberAll(payload.mergedId);
    for (const step of steps)
      await dbSpan('complaint_versions', 'update', () =>
        this.versions.collection.updateOne(
          { _id: step._id },
          {
            $set: {
              memberId: payload.survivorId,
              ...(step.intake ? { 'intake.memberId': payload.survivorId } : {}),
            },
          },
        ),
      );
    await dbSpan('complaint_feedback_requests', 'update', () =>
      this.feedback.collection.updateMany(
        { memberId: payload.mergedId },
        { $set: { memberId: payload.survivorId } },
      ),
    );
    const cases = await this.reproject(steps);
    if (cases > 0)
      this.logger.info(
        { mergedId: payload.mergedId, survivorId: payload.survivorId, cases },
        'complaints moved to the surviving member',
      );
    return cases;
  }

  private async reproject(steps: readonly CaseVersion[]): Promise<number> {
    const cases = [...new Set(steps.map((step) => step.caseId))];
    for (const caseId of cases) await this.effects.apply(caseId);
    return cases.length;
  }
}

/** The fields of a step that change when its member is erased. */
function anonymised(step: CaseVersion): Partial<CaseVersion> {
  const fields: Partial<CaseVersion> = {
    memberId: null,
    note: step.note === null ? null : redactContacts(step.note),
  };
  if (step.intake)
    fields.intake = {
      ...step.intake,
      memberId: null,
      description: redactContacts(step.intake.description),
      ...(step.intake.adverseReaction
        ? {
            adverseReaction: {
              ...step.intake.adverseReaction,
              reaction: redactContacts(step.intake.adverseReaction.reaction),
            },
          }
        : {}),
    };
  if (step.change.resolution !== undefined)
    fields.change = { ...step.change, resolution: redactContacts(step.change.resolution) };
  return fields;
}
