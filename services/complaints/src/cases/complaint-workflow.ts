import {
  AppError,
  type ComplaintAction,
  type ComplaintStatus,
  type ComplaintTransitionCommand,
  ErrorCode,
} from '@crm/contracts';
import type { CompensationDecision, StepChange } from './case-version';
import type { CaseState } from './case-state';

export interface WorkflowSettings {
  /** A resolved or closed case may be reopened this long after its (last) resolution. */
  reopenWindowMs: number;
}

/** The actions the case allows now (CONTRACTS.md §2), in a fixed order. */
export function allowedActions(
  state: CaseState,
  now: Date,
  settings: WorkflowSettings,
): ComplaintAction[] {
  const reopenable =
    state.resolvedAt !== null &&
    now.getTime() - state.resolvedAt.getTime() <= settings.reopenWindowMs;
  const feedbackOpen = state.satisfaction === undefined;
  switch (state.status) {
    case 'accepted':
      return ['investigate', 'resolve'];
    case 'investigating':
      return [state.waitingSince ? 'member_replied' : 'await_member', 'resolve'];
    case 'resolved':
      return [
        'close',
        ...(reopenable ? (['reopen'] as const) : []),
        ...(feedbackOpen ? (['feedback'] as const) : []),
      ];
    case 'closed':
      return [
        ...(reopenable ? (['reopen'] as const) : []),
        ...(feedbackOpen ? (['feedback'] as const) : []),
      ];
  }
}

const NEXT_STATUS: Record<ComplaintAction, (current: ComplaintStatus) => ComplaintStatus> = {
  investigate: () => 'investigating',
  await_member: () => 'investigating',
  member_replied: () => 'investigating',
  resolve: () => 'resolved',
  close: () => 'closed',
  reopen: () => 'investigating',
  feedback: (current) => current,
};

/** The 409 for an action the case does not allow now, naming the ones it does. */
export function notAllowed(
  state: CaseState,
  action: string,
  allowed: ComplaintAction[],
  code: ErrorCode = ErrorCode.COMPLAINT_TRANSITION_NOT_ALLOWED,
): AppError {
  const lead =
    code === ErrorCode.COMPLAINT_CHANGED
      ? `Complaint ${state.id} changed meanwhile (now version ${state.version}, ${state.status})`
      : `Complaint ${state.id} is ${state.status}${state.waitingSince ? ', waiting for the member' : ''}`;
  return new AppError(
    code,
    `${lead}: ${action} is not allowed; allowed: ${allowed.join(', ') || 'nothing'}`,
    [
      {
        field: 'action',
        reasons: [`allowed: ${allowed.join(', ') || 'nothing'}`],
        status: state.status,
        version: state.version,
        allowed,
      },
    ],
  );
}

/**
 * Decides a step from the case as it stands: the status it leads to and what it changes, or a
 * refusal. Pure: the caller inserts the result as the next version, which is what makes it
 * happen (or lose to a concurrent step).
 */
export function decideStep(
  state: CaseState,
  command: Pick<
    ComplaintTransitionCommand,
    'action' | 'assignee' | 'resolution' | 'remedies' | 'cause' | 'compensation' | 'satisfaction'
  >,
  actorId: string,
  now: Date,
  settings: WorkflowSettings,
): { after: ComplaintStatus; change: StepChange } {
  const allowed = allowedActions(state, now, settings);
  if (!allowed.includes(command.action)) throw notAllowed(state, command.action, allowed);
  const change: StepChange = {};
  switch (command.action) {
    case 'investigate':
      change.assignee = command.assignee ?? actorId;
      break;
    case 'resolve':
      change.resolution = command.resolution!;
      if (command.remedies) change.remedies = command.remedies;
      if (command.cause) change.cause = command.cause;
      if (command.compensation) change.compensation = compensationFor(state, command.compensation);
      break;
    case 'feedback':
      change.satisfaction = command.satisfaction!;
      break;
  }
  return { after: NEXT_STATUS[command.action](state.status), change };
}

/**
 * The compensation a resolution asks for: round 1 keyed by the case alone, so a retry of any
 * kind lands on the same key in loyalty; a further round only when asked for in so many words
 * (`additional: true`), keyed `…:<round>`.
 */
export function compensationFor(
  state: CaseState,
  asked: NonNullable<ComplaintTransitionCommand['compensation']>,
): CompensationDecision {
  if (state.memberId === null)
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      'An anonymous complaint cannot be compensated',
      [{ field: 'compensation', reasons: ['the complaint names no member'] }],
    );
  const given = state.compensations.length;
  if (given > 0 && asked.additional !== true)
    throw new AppError(
      ErrorCode.COMPLAINT_ALREADY_COMPENSATED,
      `Complaint ${state.id} was compensated already (${state.compensations
        .map((c) => `${c.kind} round ${c.round}`)
        .join(', ')}); set compensation.additional to true to give more`,
      [{ field: 'compensation.additional', reasons: ['must be true for a further compensation'] }],
    );
  const round = given + 1;
  const suffix = round === 1 ? '' : `:${round}`;
  return {
    kind: asked.kind,
    ...(asked.kind === 'points' ? { points: asked.points! } : {}),
    round,
    key: asked.kind === 'points' ? `complaint:${state.id}${suffix}` : `${state.id}${suffix}`,
  };
}
