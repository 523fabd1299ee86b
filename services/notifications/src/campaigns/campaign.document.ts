import type {
  CampaignChannel,
  CampaignContent,
  CampaignFinishedPayload,
  NotificationPurpose,
} from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';

/**
 * A campaign as asked for, inserted once under an id derived from the staff member and their
 * Idempotency-Key, and never changed afterwards: what happens to it is other documents' (its
 * recipient pages, leases and marks), so no two writers ever rewrite one document (on the
 * local store an update rewrites the whole document).
 */
export interface CampaignDocument {
  _id: string;
  name: string;
  segmentId: string;
  channel: CampaignChannel;
  purpose: NotificationPurpose;
  templateId: string | null;
  content: CampaignContent | null;
  variables: Record<string, string>;
  scheduledAt: Date | null;
  perSecond: number | null;
  /** Who asked: the segment is read on their behalf, so the members service applies its rules. */
  requestedBy: { sub: string; roles: string[]; storeId: string | null };
  /** The store whose campaign it is (a store manager's), null for a chain-wide one. */
  storeId: string | null;
  /** The request, to tell a retry (same key, same request) from a reused key. */
  fingerprint: string;
  createdAt: Date;
}

/**
 * A campaign not finished yet, due at `dueAt`: what every replica's runner looks for. Inserted
 * before the campaign itself (a creation cut short leaves a marker without a campaign, which
 * the runner removes), deleted once the campaign's `finished` mark is in.
 */
export interface OpenCampaignDocument {
  _id: string;
  dueAt: Date;
  createdAt: Date;
}

/**
 * One page of recipients (`<campaign>:p<n>`), as the segment answered when the campaign started,
 * inserted once: a restart resumes from the stored pages, never reads the segment again for
 * the pages it has, so the recipients do not change under a crash. `dispatchedAt` is set once
 * every member of the page was handed to the send path.
 */
export interface CampaignPageDocument {
  _id: string;
  campaignId: string;
  n: number;
  memberIds: string[];
  size: number;
  /** The segment cursor after this page; null on the last page. */
  next: string | null;
  dispatchedAt?: Date;
}

/**
 * One term of the right to run a campaign (`<campaign>:t<term>`), insert-once: of two
 * replicas that find the last term ended, exactly one inserts the next. Only the owner updates
 * it afterwards (renewals).
 */
export interface CampaignLeaseDocument {
  _id: string;
  campaignId: string;
  term: number;
  owner: string;
  takenAt: Date;
  until: Date;
}

/**
 * What happened to a campaign, each fact once (`<kind>:<campaign>`): it started, its
 * recipients were all read (`total`), staff cancelled it, it finished (with `campaign.finished`
 * in its outbox).
 */
export interface CampaignMarkDocument extends Partial<WithOutbox> {
  _id: string;
  campaignId: string;
  kind: 'started' | 'resolved' | 'cancelled' | 'finished';
  at: Date;
  total?: number;
  pages?: number;
  by?: string;
  outcome?: 'done' | 'cancelled';
  /** Why a campaign stopped before it was done (the segment refused it, …). */
  reason?: string;
  totals?: Omit<CampaignFinishedPayload, 'campaignId' | 'outcome' | 'purpose' | 'channel' | 'at'>;
}

export const markId = (kind: CampaignMarkDocument['kind'], campaignId: string) =>
  `${kind}:${campaignId}`;
export const pageId = (campaignId: string, n: number) => `${campaignId}:p${n}`;
export const leaseId = (campaignId: string, term: number) => `${campaignId}:t${term}`;
/** The cause of a campaign's message to a member: once per member and campaign. */
export const campaignCause = (campaignId: string, memberId: string) =>
  `campaign:${campaignId}:${memberId}`;
