import { Injectable } from '@nestjs/common';
import {
  type MemberTimelinePage,
  type MemberTimelineRequest,
  parseTimelineCursor,
  timelineCursor,
  type TimelineItem,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { CaseVersion } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';

const DEFAULT_LIMIT = 20;

const WORDS: Record<CaseVersion['action'], string> = {
  receive: 'received',
  investigate: 'under investigation',
  await_member: 'waiting for the member',
  member_replied: 'the member replied',
  resolve: 'resolved',
  feedback: 'satisfaction recorded',
  close: 'closed',
  reopen: 'reopened',
};

/** One line for the desk: ids and facts, never the description or notes. */
function summaryOf(step: CaseVersion): string {
  const intake = step.intake;
  const what = intake ? ` (${intake.category}, ${intake.severity}, ${intake.storeId})` : '';
  const compensation = step.change.compensation
    ? `, compensated with ${step.change.compensation.kind === 'points' ? `${step.change.compensation.points} points` : 'a coupon'}`
    : '';
  const satisfaction =
    step.change.satisfaction !== undefined ? `: ${step.change.satisfaction}/5` : '';
  return `Complaint ${step.caseId} ${WORDS[step.action]}${what}${compensation}${satisfaction}`;
}

/** Newest first; ties by id, as the cursor pages them. */
const newestFirst = (a: CaseVersion, b: CaseVersion) =>
  b.at.getTime() - a.at.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);

/**
 * `complaints.v1.timeline`: the member's case steps, newest first, a page at a time. The member
 * is linked to a case by its intake only, so the steps are those of the member's cases (a member
 * has a handful: read whole, paged here).
 */
@Injectable()
export class MemberTimeline {
  constructor(private readonly versions: CaseVersionsRepository) {}

  execute(request: MemberTimelineRequest): Promise<MemberTimelinePage> {
    return inSpan('complaints.timeline', async () => {
      const limit = request.limit ?? DEFAULT_LIMIT;
      const after = parseTimelineCursor(request.cursor);
      const cases = await this.versions.casesOfMember(request.memberId);
      const all = (await Promise.all(cases.map((id) => this.versions.ofCase(id)))).flat();
      const steps = all
        .filter(
          (step) =>
            !after ||
            step.at.getTime() < after.at.getTime() ||
            (step.at.getTime() === after.at.getTime() && step._id < after.id),
        )
        .sort(newestFirst)
        .slice(0, limit + 1);
      const items: TimelineItem[] = steps.slice(0, limit).map((step) => ({
        at: step.at.toISOString(),
        service: 'complaints',
        kind: step.action === 'receive' ? 'complaint.received' : `complaint.${step.action}`,
        id: step._id,
        summary: summaryOf(step),
      }));
      const last = items.at(-1);
      return { items, nextCursor: steps.length > limit && last ? timelineCursor(last) : null };
    });
  }
}
