import type { ObjectId } from 'mongoose';
import type { Gender, MarketingChannel, RegistrationChannel } from '@crm/contracts';
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
  /** Purchase figures, updated by each POS transaction (see purchase-stats.ts). */
  stats?: PurchaseStats;
}

export interface ConsentRecord {
  granted: boolean;
  at: Date;
  channel: string;
  takenBy: string | null;
}
