import type { ObjectId } from 'mongoose';
import type {
  Address,
  EducationLevel,
  Gender,
  IncomeBand,
  Lifestyle,
  MaritalStatus,
  MarketingChannel,
  RegistrationChannel,
} from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';
import type { PurchaseStats } from '../purchases/purchase-stats';

/** A member as stored: the persistence shape, kept apart from what leaves the service. */
export interface MemberDocument extends WithOutbox {
  _id: ObjectId;
  name: string;
  /** The phone number, encrypted (FieldCipher, field `phone`). */
  phoneEnc: string;
  /** Blind index of the phone number: unique, and the key of its `member_phones` claim. */
  phoneIndex: string;
  channel: RegistrationChannel;
  homeStoreId: string | null;
  gender: Gender | null;
  birthDate: string | null;
  email: string | null;
  registeredBy: string | null;
  registeredAt: Date;
  updatedAt: Date;
  consents: {
    marketing: Partial<Record<MarketingChannel, ConsentRecord>>;
    healthData: ConsentRecord | null;
  };
  /** Health details as one encrypted JSON value (FieldCipher, field `health`), or null. */
  healthEnc: string | null;
  landline?: string | null;
  address?: Address | null;
  /** Where WeChat template messages reach the member (asked by notifications at send time). */
  wechatOpenId?: string | null;
  education?: EducationLevel | null;
  incomeBand?: IncomeBand | null;
  maritalStatus?: MaritalStatus | null;
  employer?: string | null;
  jobTitle?: string | null;
  lifestyle?: Lifestyle | null;
  /**
   * Changes written with the member but not yet copied to `member_history`: the same write
   * as the change, so no change goes unrecorded (see member-history.repository.ts).
   */
  pendingHistory?: MemberChangeRecord[];
  /**
   * Set when the member's personal data was erased (right to deletion): the document stays
   * as an anonymous shell so aggregates keep adding up.
   */
  erasedAt?: Date | null;
  /** Set on a record folded into another by a merge: the member it now lives on. */
  mergedInto?: string | null;
  /** Set first when a merge starts: from then on the POS fold counts on the survivor. */
  mergingInto?: string;
  /** The fold's per-partition marks when the record was merged away (its stats are gone). */
  countedThroughAtMerge?: Record<string, number>;
  /** Records merged into this one (a merge is applied once per record). */
  mergedFrom?: string[];
  /** Kept on erasure instead of the birth date, for aggregates by age. */
  ageBandAtErasure?: string | null;
  /** The member who referred this one, if any. */
  referredBy?: string | null;
  /** Relationship depth beyond purchases (see member-grade.ts). */
  engagement?: { eventIds?: string[]; referredMemberIds?: string[] };
  /** Purchase figures, updated by each POS transaction (see purchase-stats.ts). */
  stats?: PurchaseStats;
}

export interface ConsentRecord {
  granted: boolean;
  at: Date;
  channel: string;
  takenBy: string | null;
}

/** One change of a member's record: who, when, which fields, old and new values. */
export interface MemberChangeRecord {
  _id: string;
  memberId: string;
  at: Date;
  actor: string | null;
  roles: string[];
  /** The store the staff member acted for (their token's `storeId`). */
  storeId: string | null;
  /**
   * Whether that was another store than the member's home store at the time; null when either
   * has no store. Absent on records from before store scoping.
   */
  crossStore?: boolean | null;
  /** Health values are kept as stored: encrypted (FieldCipher, field `health`). */
  changes: { field: string; old: unknown; new: unknown }[];
}
