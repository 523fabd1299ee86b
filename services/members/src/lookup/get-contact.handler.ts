import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type MarketingChannel,
  type MemberContactRequest,
  type MemberContactsRequest,
  type MemberContactsView,
  type MemberContactView,
} from '@crm/contracts';
import { forEachConcurrently } from '@crm/messaging';
import { FieldCipher } from '@crm/crypto';
import { inSpan } from '@crm/observability';
import { PHONE_FIELD } from '../members/member-crypto';
import type { MemberDocument } from '../members/member.document';
import { MemberRepository } from '../members/member.repository';

/** Members read at once for a batch: overlap for the store's round trips, without flooding it. */
const BATCH_IN_FLIGHT = 8;

/** Merges chain at most this deep (a survivor merged again); more is a broken record. */
const MAX_MERGE_HOPS = 5;

/**
 * Where notifications reaches a member on one channel, read at the moment it sends so the
 * address is never copied into its store, with the marketing consent for that channel. Only
 * the notifications service asks (it is not routed from the gateway). The app is reached by
 * member id; WeChat by the openid in the member's profile.
 */
@Injectable()
export class GetContact {
  constructor(
    private readonly members: MemberRepository,
    private readonly cipher: FieldCipher,
  ) {}

  execute(request: MemberContactRequest): Promise<MemberContactView> {
    return inSpan('members.contact', async () => {
      let doc = await this.members.findById(request.id);
      for (let hop = 0; doc?.mergedInto && hop < MAX_MERGE_HOPS; hop++)
        doc = await this.members.findById(doc.mergedInto);
      if (!doc || doc.mergedInto)
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      const erased = !!doc.erasedAt;
      const consent =
        request.channel === 'call'
          ? undefined
          : doc.consents?.marketing?.[request.channel as MarketingChannel];
      return {
        memberId: String(doc._id),
        channel: request.channel,
        address: erased ? null : this.addressOf(doc, request.channel),
        marketingConsent: !erased && consent?.granted === true,
        erased,
        homeStoreId: doc.homeStoreId ?? null,
      };
    });
  }

  /** `members.v1.contacts`: the same answer for each of a batch, in the order asked. */
  executeMany(request: MemberContactsRequest): Promise<MemberContactsView> {
    return inSpan('members.contacts', async () => {
      const items: MemberContactsView['items'] = new Array(request.ids.length);
      await forEachConcurrently([...request.ids.keys()], BATCH_IN_FLIGHT, async (i) => {
        const id = request.ids[i]!;
        try {
          items[i] = { id, contact: await this.execute({ id, channel: request.channel }) };
        } catch (error) {
          if ((error as AppError)?.code !== ErrorCode.MEMBER_NOT_FOUND) throw error;
          items[i] = { id, notFound: true };
        }
      });
      return { items };
    });
  }

  private addressOf(doc: MemberDocument, channel: MemberContactRequest['channel']): string | null {
    if (channel === 'sms' || channel === 'call')
      return doc.phoneEnc ? this.cipher.decrypt(doc.phoneEnc, PHONE_FIELD) : null;
    if (channel === 'email') return doc.email ?? null;
    // The app signs in as the member: push goes to the member's devices by member id.
    if (channel === 'app') return String(doc._id);
    if (channel === 'wechat') return doc.wechatOpenId ?? null;
    return null;
  }
}
