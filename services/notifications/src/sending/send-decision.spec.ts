import { AppError, ErrorCode, type MemberContactView } from '@crm/contracts';
import type { MessageDocument } from '../messages/message.document';
import { effective } from '../preferences/contact-preferences';
import { clearForSending, type DecisionInputs, isCleared, queuedOrDeferred } from './send-decision';

const MEMBER = '0123456789abcdef01234567';
/** 12:00 in the chain's zone (UTC+8): outside the default quiet hours. */
const NOON = new Date('2026-12-05T04:00:00Z');
/** 23:00 in the chain's zone: inside them. */
const NIGHT = new Date('2026-12-05T15:00:00Z');

const message = (over: Partial<MessageDocument> = {}): MessageDocument => ({
  _id: 'msg_1',
  cause: 'campaign:cmp_1:' + MEMBER,
  memberId: MEMBER,
  purpose: 'marketing',
  channel: 'sms',
  content: null,
  templateId: null,
  variables: { store: '西湖店' },
  urgent: false,
  notBefore: null,
  status: 'pending',
  createdAt: NOON,
  dueAt: NOON,
  attempts: 0,
  quietHoursBypassed: false,
  ...over,
});

const defaults = { quietHoursStart: '21:00', quietHoursEnd: '08:00', utcOffsetMinutes: 480 };

function inputs(
  language: 'zh-CN' | 'en',
  contact: Partial<MemberContactView> | 'unknown' = {},
): DecisionInputs {
  return {
    preferences: async () =>
      effective(
        {
          _id: MEMBER,
          channels: ['sms', 'email'],
          preferredChannel: null,
          language,
          quietHours: null,
          timeZone: null,
          updatedAt: NOON,
        },
        defaults,
      ),
    contact: async (memberId, channel) => {
      if (contact === 'unknown') throw new AppError(ErrorCode.MEMBER_NOT_FOUND, 'no member');
      return {
        memberId,
        channel,
        address: '13800000000',
        marketingConsent: true,
        erased: false,
        ...contact,
      };
    },
    template: async () => null,
  };
}

describe('clearing a message for sending', () => {
  const both = { 'zh-CN': '{{store}} 会员日', en: 'Member day at {{store}}' };

  it("gives a campaign's text in the member's language, else the chain's", async () => {
    const en = await clearForSending(message({ contentByLanguage: both }), inputs('en'), NOON);
    expect(isCleared(en) && en.text).toBe('Member day at 西湖店');
    const zh = await clearForSending(message({ contentByLanguage: both }), inputs('zh-CN'), NOON);
    expect(isCleared(zh) && zh.text).toBe('西湖店 会员日');
    const onlyZh = await clearForSending(
      message({ contentByLanguage: { 'zh-CN': both['zh-CN'] } }),
      inputs('en'),
      NOON,
    );
    expect(isCleared(onlyZh) && onlyZh.text).toBe('西湖店 会员日');
  });

  it('skips with the reason: no consent, an unknown member, a channel not allowed', async () => {
    const noConsent = await clearForSending(
      message({ content: 'x' }),
      inputs('zh-CN', { marketingConsent: false }),
      NOON,
    );
    expect(noConsent).toMatchObject({ status: 'skipped', reason: 'no-marketing-consent' });
    const unknown = await clearForSending(
      message({ content: 'x' }),
      inputs('zh-CN', 'unknown'),
      NOON,
    );
    expect(unknown).toMatchObject({ status: 'skipped', reason: 'member-not-found' });
    const wechat = await clearForSending(
      message({ content: 'x', channel: 'wechat' }),
      inputs('zh-CN'),
      NOON,
    );
    expect(wechat).toMatchObject({ status: 'skipped', reason: 'channel-not-allowed: wechat' });
  });

  it("defers a message due in the member's quiet hours to their end", async () => {
    const cleared = await clearForSending(message({ content: 'x' }), inputs('zh-CN'), NIGHT);
    if (!isCleared(cleared)) throw new Error('expected the message to be cleared');
    expect(queuedOrDeferred(cleared)).toMatchObject({
      status: 'deferred',
      reason: 'quiet-hours',
      dueAt: new Date('2026-12-06T00:00:00Z'), // 08:00 the next morning, UTC+8
    });
    const day = await clearForSending(message({ content: 'x' }), inputs('zh-CN'), NOON);
    if (!isCleared(day)) throw new Error('expected the message to be cleared');
    expect(queuedOrDeferred(day)).toMatchObject({ status: 'queued', dueAt: NOON });
  });
});
