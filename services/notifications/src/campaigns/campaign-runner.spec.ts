import { campaignSendOf, commandFor, Throttle } from './campaign-runner';
import { campaignIdFor } from './campaigns.service';
import type { CampaignDocument } from './campaign.document';

const campaign = (over: Partial<CampaignDocument> = {}): CampaignDocument => ({
  _id: 'cmp_00000000000000000001',
  name: 'x',
  segmentId: '0123456789abcdef01234567',
  channel: 'sms',
  purpose: 'marketing',
  templateId: null,
  content: { 'zh-CN': '你好 {{store}}', en: 'Hello {{store}}' },
  variables: { store: 'West Lake' },
  scheduledAt: null,
  perSecond: null,
  requestedBy: { sub: 'E-1', roles: ['admin'], storeId: null },
  storeId: null,
  fingerprint: 'f',
  createdAt: new Date(),
  ...over,
});

describe('campaign sends', () => {
  it('sends each member one message, caused by the campaign and the member', () => {
    expect(commandFor(campaign(), '0123456789abcdef0123abcd')).toEqual({
      cause: 'campaign:cmp_00000000000000000001:0123456789abcdef0123abcd',
      memberId: '0123456789abcdef0123abcd',
      purpose: 'marketing',
      channel: 'sms',
      variables: { store: 'West Lake' },
    });
    expect(commandFor(campaign({ content: null, templateId: 'promo' }), 'm').templateId).toBe(
      'promo',
    );
  });

  it('gives each message the campaign text in every language, for the member to pick', () => {
    expect(campaignSendOf(campaign())).toEqual({
      campaignId: 'cmp_00000000000000000001',
      contentByLanguage: { 'zh-CN': '你好 {{store}}', en: 'Hello {{store}}' },
    });
    expect(campaignSendOf(campaign({ content: null, templateId: 'promo' }))).toEqual({
      campaignId: 'cmp_00000000000000000001',
    });
  });

  it('derives one campaign id per staff member and key', () => {
    const id = campaignIdFor('E-1', 'key-0001');
    expect(id).toMatch(/^cmp_[0-9a-z]{20}$/);
    expect(campaignIdFor('E-1', 'key-0001')).toBe(id);
    expect(campaignIdFor('E-2', 'key-0001')).not.toBe(id);
    expect(campaignIdFor('E-1', 'key-0002')).not.toBe(id);
  });

  it('throttles to perSecond, evenly spaced, and not at all without a rate', async () => {
    // A clock that moves only when the throttle waits: the waits are the spacing itself.
    let now = 1_000;
    const waits: number[] = [];
    const clock = {
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    };
    const throttle = new Throttle(50, clock);
    for (let i = 0; i < 11; i++) await throttle.take();
    expect(waits).toEqual(Array.from({ length: 10 }, () => 20));
    expect(now).toBe(1_200);
    // A batch of 5 takes its share of the rate before the next take goes.
    await throttle.take(5);
    await throttle.take();
    expect(waits.slice(-2)).toEqual([20, 100]);
    // Time that passed without takes is not saved up for a burst.
    now += 10_000;
    await throttle.take();
    await throttle.take();
    expect(waits.slice(-1)).toEqual([20]);
    const free = new Throttle(null, clock);
    for (let i = 0; i < 1000; i++) await free.take();
    expect(waits).toHaveLength(13);
  });
});
