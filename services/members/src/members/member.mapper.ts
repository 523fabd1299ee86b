import type { MemberView } from '@crm/contracts';
import type { FieldCipher } from '@crm/crypto';
import type { MemberDocument } from './member.document';
import { summarize } from '../purchases/purchase-stats';
import { PHONE_FIELD } from './member-crypto';

/** Allow-list of what a member view shows: a field added to the document stays inside until added here. */
export function toMemberView(doc: MemberDocument, cipher: FieldCipher): MemberView {
  return {
    id: String(doc._id),
    name: doc.name,
    phone: cipher.decrypt(doc.phoneEnc, PHONE_FIELD),
    channel: doc.channel,
    homeStoreId: doc.homeStoreId,
    gender: doc.gender,
    birthDate: doc.birthDate,
    email: doc.email,
    registeredAt: doc.registeredAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    purchaseSummary: summarize(doc.stats),
  };
}
