/**
 * Errors cross process hops (NATS replies, Kafka DLQ records) as plain objects, so they are
 * told apart by a stable string `code`, never by `instanceof`. Only the gateway maps codes
 * to HTTP statuses (see ERROR_HTTP_STATUS).
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION.FAILED',
  AUTH_UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  AUTH_FORBIDDEN: 'AUTH.FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  MEMBER_NOT_FOUND: 'MEMBER.NOT_FOUND',
  MEMBER_PHONE_TAKEN: 'MEMBER.PHONE_TAKEN',
  /** Someone else changed the member meanwhile: read it again and re-apply the change. */
  MEMBER_CHANGED: 'MEMBER.CHANGED',
  /**
   * The member's personal data was erased (data-subject right): a service refuses what would
   * hold new personal data about them (an adjustment, a redemption, a coupon).
   */
  MEMBER_ERASED: 'MEMBER.ERASED',
  /** A redemption asked for more points than the member has. */
  POINTS_INSUFFICIENT: 'POINTS.INSUFFICIENT',
  /** A catalogue reward that exists but is not offered now (inactive or out of stock). */
  REWARD_UNAVAILABLE: 'REWARD.UNAVAILABLE',
  /** A reward id already in the catalogue (update it with PUT instead). */
  REWARD_EXISTS: 'REWARD.EXISTS',
  /** Coupons: why an issue or a redemption was refused. */
  COUPON_NOT_FOUND: 'COUPON.NOT_FOUND',
  COUPON_NOT_OWNED: 'COUPON.NOT_OWNED',
  COUPON_ALREADY_REDEEMED: 'COUPON.ALREADY_REDEEMED',
  COUPON_NOT_YET_VALID: 'COUPON.NOT_YET_VALID',
  COUPON_EXPIRED: 'COUPON.EXPIRED',
  COUPON_MINIMUM_SPEND: 'COUPON.MINIMUM_SPEND_NOT_MET',
  COUPON_NOT_APPLICABLE: 'COUPON.NOT_APPLICABLE',
  COUPON_LIMIT_REACHED: 'COUPON.LIMIT_REACHED',
  COUPON_DEFINITION_ENDED: 'COUPON.DEFINITION_ENDED',
  COUPON_NOT_CONFIGURED: 'COUPON.NOT_CONFIGURED',
  /** Segment criteria on health data (disease groups, allergies, medications) by a role that may not see it. */
  SEGMENT_HEALTH_CRITERIA_FORBIDDEN: 'SEGMENT.HEALTH_CRITERIA_FORBIDDEN',
  /**
   * An administrative change (home-store move, profile edit beyond contact details, manual
   * adjustment, bonus, coupon issue) by staff who do not administer the member: only the
   * member's home-store manager, a desk agent or an admin (docs/access-rules.md).
   */
  ACCESS_OTHER_STORE: 'ACCESS.OTHER_STORE',
  /** Care plans need the member's separate health-data consent (PIPL). */
  CARE_HEALTH_CONSENT_REQUIRED: 'CARE.HEALTH_CONSENT_REQUIRED',
  /** The member already has an active (or paused) plan of this template. */
  CARE_PLAN_ACTIVE: 'CARE.PLAN_ACTIVE',
  /** A plan transition not allowed from the plan's state (resume an active plan, …). */
  CARE_PLAN_TRANSITION: 'CARE.PLAN_TRANSITION_NOT_ALLOWED',
  /** A care task that was cancelled (refund, plan stopped) or completed otherwise. */
  CARE_TASK_CLOSED: 'CARE.TASK_CLOSED',
  COMPLAINT_NOT_FOUND: 'COMPLAINT.NOT_FOUND',
  /** The action is not allowed from the case's current state; `details` names the allowed ones. */
  COMPLAINT_TRANSITION_NOT_ALLOWED: 'COMPLAINT.TRANSITION_NOT_ALLOWED',
  /** Another step of the same case won the race; `details` names what is allowed now. */
  COMPLAINT_CHANGED: 'COMPLAINT.CHANGED',
  /** The case was compensated already: a further one needs `compensation.additional: true`. */
  COMPLAINT_ALREADY_COMPENSATED: 'COMPLAINT.ALREADY_COMPENSATED',
  CAMPAIGN_NOT_FOUND: 'CAMPAIGN.NOT_FOUND',
  /** The campaign has finished (done or cancelled): there is nothing left to stop. */
  CAMPAIGN_FINISHED: 'CAMPAIGN.FINISHED',
  /** The Idempotency-Key was used before for another campaign request by the same staff member. */
  CAMPAIGN_KEY_REUSED: 'CAMPAIGN.KEY_REUSED',
  /** Service and clinical campaigns skip marketing consent and caps: admins only. */
  CAMPAIGN_PURPOSE_FORBIDDEN: 'CAMPAIGN.PURPOSE_FORBIDDEN',
  /** The gateway knows the path, not with this method (405 with `Allow`). */
  METHOD_NOT_ALLOWED: 'REQUEST.METHOD_NOT_ALLOWED',
  /** The request line is too long (414). */
  URI_TOO_LONG: 'REQUEST.URI_TOO_LONG',
  /** The request's headers are too large (431). */
  HEADERS_TOO_LARGE: 'REQUEST.HEADERS_TOO_LARGE',
  RATE_LIMITED: 'RATE.LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM.UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM.TIMEOUT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.AUTH_UNAUTHENTICATED]: 401,
  [ErrorCode.AUTH_FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.MEMBER_NOT_FOUND]: 404,
  [ErrorCode.MEMBER_PHONE_TAKEN]: 409,
  [ErrorCode.MEMBER_CHANGED]: 409,
  [ErrorCode.MEMBER_ERASED]: 410,
  [ErrorCode.POINTS_INSUFFICIENT]: 409,
  [ErrorCode.REWARD_UNAVAILABLE]: 409,
  [ErrorCode.REWARD_EXISTS]: 409,
  [ErrorCode.COUPON_NOT_FOUND]: 404,
  [ErrorCode.COUPON_NOT_OWNED]: 422,
  [ErrorCode.COUPON_ALREADY_REDEEMED]: 409,
  [ErrorCode.COUPON_NOT_YET_VALID]: 422,
  [ErrorCode.COUPON_EXPIRED]: 422,
  [ErrorCode.COUPON_MINIMUM_SPEND]: 422,
  [ErrorCode.COUPON_NOT_APPLICABLE]: 422,
  [ErrorCode.COUPON_LIMIT_REACHED]: 409,
  [ErrorCode.COUPON_DEFINITION_ENDED]: 422,
  [ErrorCode.COUPON_NOT_CONFIGURED]: 422,
  [ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN]: 403,
  [ErrorCode.ACCESS_OTHER_STORE]: 403,
  [ErrorCode.CARE_HEALTH_CONSENT_REQUIRED]: 409,
  [ErrorCode.CARE_PLAN_ACTIVE]: 409,
  [ErrorCode.CARE_PLAN_TRANSITION]: 409,
  [ErrorCode.CARE_TASK_CLOSED]: 409,
  [ErrorCode.COMPLAINT_NOT_FOUND]: 404,
  [ErrorCode.COMPLAINT_TRANSITION_NOT_ALLOWED]: 409,
  [ErrorCode.COMPLAINT_CHANGED]: 409,
  [ErrorCode.COMPLAINT_ALREADY_COMPENSATED]: 409,
  [ErrorCode.CAMPAIGN_NOT_FOUND]: 404,
  [ErrorCode.CAMPAIGN_FINISHED]: 409,
  [ErrorCode.CAMPAIGN_KEY_REUSED]: 409,
  [ErrorCode.CAMPAIGN_PURPOSE_FORBIDDEN]: 403,
  [ErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ErrorCode.URI_TOO_LONG]: 414,
  [ErrorCode.HEADERS_TOO_LARGE]: 431,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
  [ErrorCode.INTERNAL]: 500,
};

/** One reason a field was rejected, e.g. `{ field: 'phone', reasons: ['must be a mainland mobile number'] }`. */
export interface FieldError {
  field: string;
  reasons: string[];
}

/** The wire shape of every error: CONTRACTS.md §1 body and NATS RPC error replies alike. */
export interface ErrorPayload {
  code: string;
  message: string;
  details?: unknown[];
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorPayload).code === 'string' &&
    typeof (value as ErrorPayload).message === 'string'
  );
}

export function httpStatusOf(code: string): number {
  return ERROR_HTTP_STATUS[code as ErrorCode] ?? 500;
}
