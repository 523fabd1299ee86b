/**
 * Events on care.events.v1 (CONTRACTS.md §5): ids, kinds and facts, never notes, readings'
 * values or what a plan treats beyond its template id (free text may hold health details).
 */
export const PLAN_ENROLLED = 'plan.enrolled';
export const PLAN_STOPPED = 'plan.stopped';
export const TASK_COMPLETED = 'task.completed';
export const TASK_ESCALATED = 'task.escalated';
export const INDICATOR_ALERT = 'indicator.alert';
export const ADHERENCE_LOW = 'adherence.low';

export interface PlanEnrolledPayload {
  planId: string;
  memberId: string;
  templateId: string;
  templateVersion: number;
  storeId: string;
  startAt: string;
}

export interface PlanStoppedPayload {
  planId: string;
  memberId: string;
  templateId: string;
  storeId: string;
  reason: string;
  stoppedAt: string;
}

export interface TaskCompletedPayload {
  taskId: string;
  memberId: string;
  storeId: string;
  kind: string;
  outcome: string;
  dueAt: string;
  completedAt: string;
  onTime: boolean;
  completedBy: string | null;
}

export interface TaskEscalatedPayload {
  taskId: string;
  memberId: string;
  storeId: string;
  kind: string;
  dueAt: string;
  /** Who it went to (the store manager). */
  escalatedTo: 'store_manager';
  escalatedAt: string;
}

export interface IndicatorAlertPayload {
  readingId: string;
  memberId: string;
  storeId: string;
  /** The indicator and the band it fell in (the value stays in care-plans, encrypted). */
  indicator: string;
  band: string;
  level: 'high' | 'urgent';
  taskId: string;
  measuredAt: string;
}

export interface AdherenceLowPayload {
  memberId: string;
  therapy: string;
  pdc: number;
  from: string;
  to: string;
  taskId: string;
}
