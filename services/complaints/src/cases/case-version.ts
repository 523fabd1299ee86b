import type {
  AdrOutcome,
  CompensationKind,
  ComplaintAction,
  ComplaintCategory,
  ComplaintCause,
  ComplaintChannel,
  ComplaintSeverity,
  ComplaintStatus,
  ResolutionRemedy,
} from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';

/** Who took a step: a staff member as the gateway verified them, or the service itself. */
export interface StepActor {
  staffId: string;
  role: string | null;
  storeId: string | null;
}

/** What the intake recorded (version 1). */
export interface CaseIntake {
  memberId: string | null;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  severity: ComplaintSeverity;
  storeId: string;
  transactionId?: string;
  sku?: string;
  batch?: string;
  description: string;
  idempotencyKey: string;
  adverseReaction?: {
    drug: string;
    onsetAt: Date;
    reaction: string;
    serious: boolean;
    outcome: AdrOutcome;
    reportDueAt: Date;
    escalatedTo: 'pharmacist';
  };
}

/** A compensation decided with a resolution; its key makes loyalty's effect happen once. */
export interface CompensationDecision {
  kind: CompensationKind;
  points?: number;
  round: number;
  /** `complaint:<id>[:<round>]` for points; the coupon's complaintId is `<id>[:<round>]`. */
  key: string;
}

export interface CompensationOutcome {
  state: 'granted' | 'failed';
  couponCode?: string;
  errorCode?: string;
  errorMessage?: string;
  at: Date;
}

/** What a step changed besides the status. */
export interface StepChange {
  assignee?: string;
  resolution?: string;
  remedies?: ResolutionRemedy[];
  cause?: ComplaintCause;
  compensation?: CompensationDecision;
  satisfaction?: number;
}

/**
 * One step of a case, inserted once under `<case>:v<n>`: of two steps that read version n,
 * exactly one inserts version n+1 (the store's unique `_id`), so the case's history is a chain
 * with no forks. Never changed afterwards, except for the flag of a compensation still waiting
 * (`compensationPending`), the compensation's outcome and the relay's outbox.
 */
export interface CaseVersion extends WithOutbox {
  _id: string;
  caseId: string;
  version: number;
  action: 'receive' | ComplaintAction;
  actor: StepActor;
  at: Date;
  note: string | null;
  before: ComplaintStatus | null;
  after: ComplaintStatus;
  /**
   * The case's one link to its member, on the intake (v1) only: rewritten there in place by
   * `member.erased` and `member.merged`, never by a later step (a step decided before the member
   * event would write the old member back). Steps written before this rule carry a copy, which
   * the member events rewrite with it.
   */
  memberId?: string | null;
  intake?: CaseIntake;
  change: StepChange;
  /**
   * The effects journal's page this step went in under (`effects-journal.ts`): while the page
   * is in the journal, the step's after-effects (projection, batch check…) may be owed.
   */
  effectsJournal?: string;
  /** A compensation decided here still waits for loyalty's answer to be recorded. */
  compensationPending?: true;
  compensationOutcome?: CompensationOutcome;
}

export const versionId = (caseId: string, version: number) => `${caseId}:v${version}`;
