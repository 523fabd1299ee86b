import { Injectable } from '@nestjs/common';
import type { CaseState } from '../cases/case-state';
import type { CaseVersion } from '../cases/case-version';
import { ComplaintsConfig } from '../complaints.config';
import { feedbackCause, FeedbackRequestsRepository } from './feedback-requests.repository';

const DAY = 86_400_000;
/** The steps that ask the member something (`afterSteps`). */
const ASKING_STEPS: ReadonlySet<string> = new Set(['resolve', 'close']);

/** Whether any question may have been asked on a case of these steps: none before an asking step. */
export function mayHaveAsked(steps: readonly CaseVersion[]): boolean {
  return steps.some((step) => ASKING_STEPS.has(step.action));
}

/**
 * The questions a step leads to, as after-effects of the step (CaseEffects: run again after a
 * crash, idempotent): a resolution asks the member for satisfaction, a closing schedules the
 * check that it stayed solved COMPLAINT_FOLLOW_UP_DAYS later. Each once per case (the insert of
 * its cause); anonymous cases ask nothing.
 */
@Injectable()
export class AskForFeedback {
  constructor(
    private readonly requests: FeedbackRequestsRepository,
    private readonly config: ComplaintsConfig,
  ) {}

  async afterSteps(state: CaseState, steps: readonly CaseVersion[]): Promise<void> {
    if (state.memberId === null) return;
    for (const step of steps) {
      if (step.action === 'resolve') await this.ask(state, 'satisfaction', step.at, step.at);
      if (step.action === 'close') {
        const dueAt = new Date(step.at.getTime() + this.config.COMPLAINT_FOLLOW_UP_DAYS * DAY);
        if (!(await this.ask(state, 'follow_up', dueAt, step.at)))
          await this.requests.postpone(feedbackCause(state.id, 'follow_up'), dueAt);
      }
    }
  }

  private ask(
    state: CaseState,
    kind: 'satisfaction' | 'follow_up',
    dueAt: Date,
    at: Date,
  ): Promise<boolean> {
    return this.requests.insert({
      _id: feedbackCause(state.id, kind),
      caseId: state.id,
      memberId: state.memberId,
      kind,
      dueAt,
      createdAt: at,
      status: 'due',
    });
  }
}
