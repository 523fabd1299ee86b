import type { MemberView } from '@crm/contracts';
import type { MemberDocument } from './member.document';

/** Allow-list of what a member view shows: a field added to the document stays inside until added here. */
export function toMemberView(doc: MemberDocument): MemberView {
  return {
    id: String(doc._id),
    name: doc.name,
    phone: doc.phone,
    channel: doc.channel,
    homeStoreId: doc.homeStoreId,
    gender: doc.gender,
    birthDate: doc.birthDate,
    email: doc.email,
    registeredAt: doc.registeredAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
