import type {
  ContactPreferencesRequest,
  ContactPreferencesView,
  FieldError,
  NotificationChannel,
  NotificationLanguage,
} from '@crm/contracts';
import { NOTIFICATION_CHANNELS } from '@crm/contracts';
import { isKnownTimeZone, offsetZoneName } from '../do-not-disturb/time-zone';

/** One member's stated preferences: `_id` is the member id; a PUT replaces it whole. */
export interface PreferencesDocument {
  _id: string;
  channels: NotificationChannel[];
  preferredChannel: NotificationChannel | null;
  language: NotificationLanguage;
  quietHours: { start: string; end: string } | null;
  timeZone: string | null;
  updatedAt: Date;
}

/** The chain's defaults, from settings: what applies to a member who stated nothing. */
export interface ChainDefaults {
  quietHoursStart: string;
  quietHoursEnd: string;
  utcOffsetMinutes: number;
}

/** The preferences in force: the member's own, the chain's where they left something out. */
export interface EffectivePreferences {
  stated: boolean;
  channels: NotificationChannel[];
  preferredChannel: NotificationChannel | null;
  language: NotificationLanguage;
  quietHours: { start: string; end: string };
  timeZone: string;
}

/** Field reasons the DTO cannot give alone: the preferred channel among the allowed, a real zone. */
export function preferenceProblems(request: ContactPreferencesRequest): FieldError[] {
  const problems: FieldError[] = [];
  if (request.preferredChannel && !request.channels.includes(request.preferredChannel))
    problems.push({
      field: 'preferredChannel',
      reasons: ['must be one of the allowed channels'],
    });
  if (request.timeZone !== undefined && !isKnownTimeZone(request.timeZone))
    problems.push({ field: 'timeZone', reasons: ['is not a known time zone'] });
  return problems;
}

export function effective(
  doc: PreferencesDocument | null,
  defaults: ChainDefaults,
): EffectivePreferences {
  const chainQuiet = { start: defaults.quietHoursStart, end: defaults.quietHoursEnd };
  const chainZone = offsetZoneName(defaults.utcOffsetMinutes);
  if (!doc)
    return {
      stated: false,
      channels: [...NOTIFICATION_CHANNELS],
      preferredChannel: null,
      language: 'zh-CN',
      quietHours: chainQuiet,
      timeZone: chainZone,
    };
  return {
    stated: true,
    channels: doc.channels,
    preferredChannel: doc.preferredChannel,
    language: doc.language,
    quietHours: doc.quietHours ?? chainQuiet,
    timeZone: doc.timeZone ?? chainZone,
  };
}

export function toPreferencesView(
  memberId: string,
  doc: PreferencesDocument | null,
  defaults: ChainDefaults,
): ContactPreferencesView {
  const { stated, channels, preferredChannel, language, quietHours, timeZone } = effective(
    doc,
    defaults,
  );
  return {
    memberId,
    channels,
    preferredChannel,
    language,
    quietHours,
    timeZone,
    stated,
    updatedAt: doc ? doc.updatedAt.toISOString() : null,
  };
}

/** Channels tried when a send names none: when nothing is stated, SMS then e-mail. */
const UNSTATED_ORDER: NotificationChannel[] = ['sms', 'email'];
/** Stated channels are tried preferred first, then in this order; a call is never a fallback. */
const FALLBACK_ORDER: NotificationChannel[] = ['app', 'wechat', 'sms', 'email'];

export function channelsToTry(prefs: EffectivePreferences): NotificationChannel[] {
  if (!prefs.stated) return UNSTATED_ORDER;
  const rest = FALLBACK_ORDER.filter(
    (c) => prefs.channels.includes(c) && c !== prefs.preferredChannel,
  );
  return prefs.preferredChannel ? [prefs.preferredChannel, ...rest] : rest;
}
