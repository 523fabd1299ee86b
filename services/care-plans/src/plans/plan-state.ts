import type { CarePlanAction, CarePlanStatus } from '@crm/contracts';

export interface PlanTransition {
  action: CarePlanAction;
  reason: string;
  at: Date;
  by?: string;
}

/** The state after a plan's transitions, in order (a plan starts active). */
export function planStatus(transitions: readonly Pick<PlanTransition, 'action'>[]): CarePlanStatus {
  let status: CarePlanStatus = 'active';
  for (const t of transitions) status = nextStatus(status, t.action) ?? status;
  return status;
}

/** Where an action leads from a state; null when it is not allowed there. */
export function nextStatus(from: CarePlanStatus, action: CarePlanAction): CarePlanStatus | null {
  if (from === 'stopped') return null;
  if (action === 'stop') return 'stopped';
  if (action === 'pause') return from === 'active' ? 'paused' : null;
  return from === 'paused' ? 'active' : null;
}

export function planStepId(planId: string, index: number): string {
  return `plan:${planId}:s${index}`;
}
