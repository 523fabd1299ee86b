import type { ComplaintCause, ComplaintStatus, ResolutionRemedy } from '@crm/contracts';
import type { Pause } from '../sla/sla-clock';
import type {
  CaseIntake,
  CaseVersion,
  CompensationDecision,
  CompensationOutcome,
} from './case-version';

export interface CaseCompensation extends CompensationDecision {
  version: number;
  outcome?: CompensationOutcome;
}

/** A case as its versions add up to (a projection: rebuilt from them at any time). */
export interface CaseState extends Omit<CaseIntake, 'idempotencyKey'> {
  id: string;
  version: number;
  status: ComplaintStatus;
  receivedAt: Date;
  assignee: string | null;
  /** The first step staff took after the intake (first-response target met then). */
  firstRespondedAt: Date | null;
  /** The last resolution (the reopen window counts from it). */
  resolvedAt: Date | null;
  closedAt: Date | null;
  /** Where the resolution target counts from: the intake, or the last reopen. */
  resolutionClockFrom: Date;
  /** Set while the desk waits for the member (SLA clock paused). */
  waitingSince: Date | null;
  pauses: Pause[];
  resolution?: string;
  remedies?: ResolutionRemedy[];
  /** What the investigation found behind it (the last resolution's word). */
  cause?: ComplaintCause;
  satisfaction?: number;
  compensations: CaseCompensation[];
  lastChangedAt: Date;
}

const RESPONDING = new Set(['investigate', 'await_member', 'resolve']);

/** Folds a case's versions (any order; version 1 first once sorted) into its state. */
export function foldVersions(versions: readonly CaseVersion[]): CaseState {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const first = sorted[0];
  if (!first?.intake || first.version !== 1) throw new Error('a case starts with its intake (v1)');
  const { idempotencyKey: _key, ...intake } = first.intake;
  let state: CaseState = {
    ...intake,
    id: first.caseId,
    version: 1,
    status: first.after,
    receivedAt: first.at,
    assignee: null,
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    resolutionClockFrom: first.at,
    waitingSince: null,
    pauses: [],
    compensations: [],
    lastChangedAt: first.at,
  };
  for (const step of sorted.slice(1)) state = applyStep(state, step);
  return state;
}

function applyStep(state: CaseState, step: CaseVersion): CaseState {
  const next: CaseState = {
    ...state,
    version: step.version,
    status: step.after,
    lastChangedAt: step.at,
    pauses: [...state.pauses],
    compensations: [...state.compensations],
  };
  if (next.firstRespondedAt === null && RESPONDING.has(step.action))
    next.firstRespondedAt = step.at;
  // Any step but the pause itself ends a wait for the member.
  if (state.waitingSince && step.action !== 'await_member') {
    next.pauses = next.pauses.map((p) => (p.to === null ? { ...p, to: step.at } : p));
    next.waitingSince = null;
  }
  const change = step.change;
  switch (step.action) {
    case 'investigate':
      next.assignee = change.assignee ?? next.assignee;
      break;
    case 'await_member':
      next.waitingSince = step.at;
      next.pauses.push({ from: step.at, to: null });
      break;
    case 'resolve':
      next.resolvedAt = step.at;
      next.closedAt = null;
      next.resolution = change.resolution;
      if (change.remedies) next.remedies = change.remedies;
      if (change.cause) next.cause = change.cause;
      if (change.compensation)
        next.compensations.push({
          ...change.compensation,
          version: step.version,
          ...(step.compensationOutcome ? { outcome: step.compensationOutcome } : {}),
        });
      break;
    case 'close':
      next.closedAt = step.at;
      break;
    case 'reopen':
      next.closedAt = null;
      next.resolutionClockFrom = step.at;
      break;
    case 'feedback':
      next.satisfaction = change.satisfaction;
      break;
  }
  return next;
}
