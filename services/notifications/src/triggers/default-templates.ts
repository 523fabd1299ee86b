import type { NotificationTemplateRequest } from '@crm/contracts';

/**
 * The templates the service's own triggers send, seeded as version 1 at start (insert-once: a
 * second replica starting collides harmlessly). An admin saving the same key makes version 2,
 * which the triggers then use: the wording is data, the trigger only names the key.
 */
export const TRIGGER_TEMPLATES = {
  pointsExpiring: 'points-expiring',
  birthdayGreeting: 'birthday-greeting',
  festivalGreeting: 'festival-greeting',
} as const;

export const DEFAULT_TRIGGER_TEMPLATES: NotificationTemplateRequest[] = [
  {
    key: TRIGGER_TEMPLATES.pointsExpiring,
    channel: 'sms',
    purpose: 'service',
    bodies: {
      'zh-CN': '您有{{points}}积分将于{{expiresAt}}到期，欢迎到店使用。回复TD退订营销信息。',
      en: '{{points}} of your points expire on {{expiresAt}}; use them at any of our stores.',
    },
    variables: ['points', 'expiresAt'],
  },
  {
    key: TRIGGER_TEMPLATES.birthdayGreeting,
    channel: 'sms',
    purpose: 'service',
    bodies: {
      'zh-CN': '生日快乐！您的生日券已发放，有效期至{{validUntil}}，祝您健康每一天。',
      en: 'Happy birthday! Your birthday coupon is ready until {{validUntil}}. Stay well.',
    },
    variables: ['validUntil'],
  },
  {
    key: TRIGGER_TEMPLATES.festivalGreeting,
    channel: 'app',
    purpose: 'marketing',
    bodies: {
      'zh-CN': '{{festivalZh}}快乐！祝您和家人身体健康、阖家幸福。',
      en: 'Happy {{festivalEn}}! Wishing you and your family good health.',
    },
    // The festival's name in each language: each body uses its own.
    variables: ['festivalZh', 'festivalEn'],
  },
];
