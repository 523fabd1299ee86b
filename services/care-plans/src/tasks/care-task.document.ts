import type {
  CareAssigneeRole,
  CareTaskKind,
  CareTaskOutcome,
  CareTaskPriority,
  CareTaskStatus,
  HeldBackProduct,
} from '@crm/contracts';
import type { Line } from '../followups/follow-up-schedule';

/** A task for staff; `_id` is its cause (`followup:<tx>:d7`, `plan:<plan>:s3`), inserted once. */
export interface CareTaskDocument {
  _id: string;
  memberId: string;
  planId?: string;
  kind: CareTaskKind;
  priority: CareTaskPriority;
  dueAt: Date;
  /** A projection of the task's closure (task_closures): open until one is inserted. */
  status: CareTaskStatus;
  /**
   * While the task is live (open or escalated): its day, block and slot in the store's worklist
   * for that status (worklist-buckets.ts), written with the status; a closure takes them out.
   */
  worklist?: [day: string, block: string, slot: string];
  cause: {
    type: 'followup' | 'plan' | 'indicator' | 'adherence' | 'cadence' | 'stopped';
    transactionId?: string;
    day?: number;
    step?: number;
    readingId?: string;
    therapy?: string;
    window?: string;
  };
  assigneeRole: CareAssigneeRole;
  assignee?: string;
  storeId: string;
  contentKey?: string;
  createdAt: Date;
  /** Follow-ups: the followed lines of the sale, so refunds can tell when none is left. */
  followed?: Line[];
  outcome?: CareTaskOutcome;
  note?: string;
  closedAt?: Date;
  closedBy?: string;
  cancelReason?: string;
  /** Set when the escalation job handed the overdue task to the store manager. */
  escalatedTo?: 'store_manager';
  escalatedAt?: Date;
  assignedAt?: Date;
  assignedBy?: string;
  /**
   * A refund came before its sale: this cancelled placeholder holds the sale's first follow-up
   * id until the sale comes and replaces it (RecordFollowUps).
   */
  awaitingSale?: true;
  /** Plan steps: the SKUs recommended after the safety check, and those it kept back. */
  products?: string[];
  heldBack?: HeldBackProduct[];
}

/**
 * How a task ended: inserted once under the task's id, so of a completion and a cancellation
 * (or two completions) racing on any replica exactly one wins; the task's status is its projection.
 */
export interface TaskClosureDocument {
  _id: string;
  status: 'done' | 'cancelled';
  at: Date;
  outcome?: CareTaskOutcome;
  note?: string;
  by?: string;
  reason?: string;
  /** Set once the task document shows it (a crash in between is repaired at the next round). */
  projected?: true;
}
