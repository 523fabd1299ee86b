import { Injectable } from '@nestjs/common';
import { AppError, type ComplaintView, ErrorCode } from '@crm/contracts';
import { ComplaintsClock } from '../clock/complaints-clock';
import { mayHaveAsked } from '../feedback/ask-for-feedback';
import { FeedbackRequestsRepository } from '../feedback/feedback-requests.repository';
import { ComplaintsConfig } from '../complaints.config';
import { type CaseState, foldVersions } from '../cases/case-state';
import type { CaseVersion } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { CasesRepository } from '../cases/cases.repository';
import type { WorkflowSettings } from '../cases/complaint-workflow';
import { caseSla, missedTargets } from '../sla/case-sla';
import { SlaBreachesRepository } from '../sla/sla-breaches.repository';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { complaintView, historyOf } from './complaint-view.mapper';

const DAY = 86_400_000;
const LINKED_LIMIT = 50;

export function workflowSettings(config: ComplaintsConfig): WorkflowSettings {
  return { reopenWindowMs: config.COMPLAINT_REOPEN_WINDOW_DAYS * DAY };
}

/**
 * A case read from its versions, not from the projection: what staff see after a step is that
 * step, whatever the projection's lag.
 */
@Injectable()
export class CaseReader {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly cases: CasesRepository,
    private readonly breaches: SlaBreachesRepository,
    private readonly slaSettings: SlaSettingsRepository,
    private readonly config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
    private readonly feedback: FeedbackRequestsRepository,
  ) {}

  /** The case's steps and state; COMPLAINT.NOT_FOUND when it has none. */
  async load(caseId: string): Promise<{ steps: CaseVersion[]; state: CaseState }> {
    const steps = await this.versions.ofCase(caseId);
    if (steps.length === 0)
      throw new AppError(ErrorCode.COMPLAINT_NOT_FOUND, `No complaint ${caseId}`);
    return { steps, state: foldVersions(steps) };
  }

  async view(caseId: string, now = this.clock.now()): Promise<ComplaintView> {
    const { steps, state } = await this.load(caseId);
    return this.viewOf(steps, state, now);
  }

  async viewOf(
    steps: CaseVersion[],
    state: CaseState,
    now = this.clock.now(),
  ): Promise<ComplaintView> {
    const [settings, breaches, linked, questions] = await Promise.all([
      this.slaSettings.current(),
      this.breaches.ofCase(state.id),
      state.sku && state.batch
        ? this.cases.onBatch(state.sku, state.batch, LINKED_LIMIT + 1)
        : Promise.resolve([]),
      // No question before a resolution or a closing: a first response saves the read.
      mayHaveAsked(steps) ? this.feedback.ofCase(state.id) : Promise.resolve([]),
    ]);
    const sla = caseSla(state, settings);
    const breached = [
      ...missedTargets(state, sla, now),
      ...breaches.filter((b) => b.level > 0).map((b) => b.target),
    ];
    return {
      ...complaintView(state, sla, breached, now, workflowSettings(this.config)),
      ...(state.sku && state.batch
        ? {
            linkedCases: linked
              .map((c) => c._id)
              .filter((id) => id !== state.id)
              .slice(0, LINKED_LIMIT),
          }
        : {}),
      history: historyOf(steps, breaches),
      feedbackRequests: questions.map((q) => ({
        kind: q.kind,
        cause: q._id,
        dueAt: q.dueAt.toISOString(),
        status: q.status,
        ...(q.sentAt ? { sentAt: q.sentAt.toISOString() } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
      })),
    };
  }
}
