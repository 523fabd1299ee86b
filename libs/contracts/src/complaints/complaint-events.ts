/**
 * Events on complaints.events.v1 (CONTRACTS.md §5): ids and facts, never the description, notes
 * or reaction text (free text may hold health details).
 */
export const COMPLAINT_RECEIVED = 'complaint.received';
export const COMPLAINT_RESOLVED = 'complaint.resolved';
export const COMPLAINT_CLOSED = 'complaint.closed';
export const COMPLAINT_REOPENED = 'complaint.reopened';
export const SLA_BREACHED = 'sla.breached';
/** A target is near (its reminder share of the target's business time left): once per target. */
export const SLA_REMINDER = 'sla.reminder';
export const BATCH_ALERT = 'batch.alert';

export interface ComplaintEventPayload {
  complaintId: string;
  memberId: string | null;
  storeId: string;
  category: string;
  severity: string;
  channel: string;
  status: string;
  version: number;
  sku?: string;
  batch?: string;
  /** complaint.received of an adverse_reaction case: who it went to at once. */
  escalatedTo?: string;
  /** complaint.resolved: what the member was given, if anything. */
  compensation?: { kind: string; points?: number; round: number; key: string };
}

export interface SlaBreachedPayload {
  complaintId: string;
  storeId: string;
  target: 'firstResponse' | 'resolution';
  dueAt: string;
  /** Who it goes to: store_manager, then region, then hq. */
  escalatedTo: string;
  level: number;
}

export interface SlaReminderPayload {
  complaintId: string;
  storeId: string;
  target: 'firstResponse' | 'resolution';
  dueAt: string;
  /** Who is reminded: the assignee, or the store's manager while nobody is assigned. */
  remind: string;
}

export interface BatchAlertPayload {
  sku: string;
  batch: string;
  /** Quality complaints on the batch within the window when the alert was raised. */
  complaints: number;
  complaintIds: string[];
  windowDays: number;
  windowStart: string;
}
