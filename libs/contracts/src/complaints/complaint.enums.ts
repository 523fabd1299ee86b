/** CONTRACTS.md §2: the values a complaint's fields take. Adding a value is fine; renaming is not. */
export const COMPLAINT_CHANNELS = ['store', 'hotline', 'online'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

export const COMPLAINT_CATEGORIES = [
  'quality',
  'efficacy',
  'adverse_reaction',
  'service',
  'price',
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

export const COMPLAINT_STATUSES = ['accepted', 'investigating', 'resolved', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/**
 * What staff may do to a case (`POST /complaints/{id}/transitions`). `await_member` and
 * `member_replied` stop and restart the SLA clock while the desk waits for the member.
 */
export const COMPLAINT_ACTIONS = [
  'investigate',
  'await_member',
  'member_replied',
  'resolve',
  'feedback',
  'close',
  'reopen',
] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

/** What a national adverse drug reaction (ADR) report asks about the reaction's course. */
export const ADR_OUTCOMES = [
  'recovered',
  'recovering',
  'not_recovered',
  'fatal',
  'unknown',
] as const;
export type AdrOutcome = (typeof ADR_OUTCOMES)[number];

export const COMPENSATION_KINDS = ['coupon', 'points'] as const;
export type CompensationKind = (typeof COMPENSATION_KINDS)[number];

/** Resolution remedies the desk records (000: return/exchange, apology, coaching, compensation). */
export const RESOLUTION_REMEDIES = [
  'refund',
  'exchange',
  'apology',
  'staff_coaching',
  'explanation',
  'none',
] as const;
export type ResolutionRemedy = (typeof RESOLUTION_REMEDIES)[number];

/** A complaint's id: `C` and 12 letters or digits (derived from the intake's Idempotency-Key). */
export const COMPLAINT_ID = /^C[0-9A-Z]{12}$/;

/**
 * What the investigation found behind a case, recorded with its resolution: what case analysis
 * groups by (many pricing complaints → review pricing; staff attitude → training) and what an
 * improvement action targets.
 */
export const COMPLAINT_CAUSES = [
  'pricing',
  'staff_attitude',
  'waiting_time',
  'stock_out',
  'product_defect',
  'storage',
  'supply_channel',
  'dispensing_error',
  'information',
  'other',
] as const;
export type ComplaintCause = (typeof COMPLAINT_CAUSES)[number];
