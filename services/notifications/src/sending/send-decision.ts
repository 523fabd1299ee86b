import {
  type AppError,
  ErrorCode,
  type MemberContactView,
  type NotificationChannel,
  type NotificationLanguage,
} from '@crm/contracts';
import { quietWindow } from '../do-not-disturb/quiet-hours';
import { quietUntilInZone } from '../do-not-disturb/time-zone';
import type { MessageDocument } from '../messages/message.document';
import { channelsToTry, type EffectivePreferences } from '../preferences/contact-preferences';
import type { TemplateDocument } from '../templates/template.document';
import { bodyFor } from '../templates/template-rules';
import { renderContent } from './message-id';

/** A call task is handed to staff, not to a provider: this names it where a provider would be. */
export const CALL_TASK_PROVIDER = 'call-task';

/** The fate of a pending message, as written onto it. */
export type Decision = Pick<
  MessageDocument,
  'status' | 'reason' | 'channel' | 'dueAt' | 'quietHoursBypassed'
> &
  Partial<
    Pick<MessageDocument, 'content' | 'templateVersion' | 'language' | 'provider' | 'deferredUntil'>
  >;

/** What a decision reads about its member: asked one at a time, or fetched for a batch up front. */
export interface DecisionInputs {
  preferences(memberId: string): Promise<EffectivePreferences>;
  /** Throws MEMBER.NOT_FOUND for an unknown member; any other failure leaves the message pending. */
  contact(memberId: string, channel: NotificationChannel): Promise<MemberContactView>;
  template(templateId: string): Promise<TemplateDocument | null>;
}

/** A message that may go once its slots are taken: where, what, and when. */
export interface Cleared {
  doc: MessageDocument;
  channel: NotificationChannel;
  contact: MemberContactView;
  text: string;
  due: Date;
  /** The end of the member's quiet hours if `due` falls in them. */
  quietEnd: Date | null;
  /** An urgent clinical alert may pass quiet hours, and is marked so. */
  bypass: boolean;
  fromTemplate: Partial<Decision>;
}

export function skipped(
  doc: MessageDocument,
  reason: string,
  now: Date,
  channel = doc.channel,
): Decision {
  return { status: 'skipped', reason, channel, dueAt: now, quietHoursBypassed: false };
}

/**
 * Everything about a send that needs no slot: template, member, preferences, address and
 * consent. Either the message is skipped (with why), or it is cleared to take its slots.
 */
export async function clearForSending(
  doc: MessageDocument,
  inputs: DecisionInputs,
  now: Date,
): Promise<Decision | Cleared> {
  const skip = (reason: string, channel = doc.channel) => skipped(doc, reason, now, channel);
  const prefs = await inputs.preferences(doc.memberId);

  // What to say: the caller's text (in the member's language when a campaign gave both), or
  // the template's body in the member's language.
  let content = doc.contentByLanguage
    ? contentIn(doc.contentByLanguage, prefs.language)
    : doc.content;
  let asked = doc.channel;
  let fromTemplate: Partial<Decision> = doc.contentByLanguage
    ? { content, language: prefs.language }
    : {};
  if (doc.templateId !== null && content === null) {
    const template = await inputs.template(doc.templateId);
    if (!template) return skip(`template-not-found: ${doc.templateId}`);
    if (asked && asked !== template.channel)
      return skip(`template-channel-mismatch: ${template._id} is for ${template.channel}`);
    if (template.purpose !== doc.purpose)
      return skip(`template-purpose-mismatch: ${template._id} is for ${template.purpose}`);
    asked = template.channel;
    content = bodyFor(template.bodies, prefs.language);
    fromTemplate = { content, templateVersion: template._id, language: prefs.language };
  }
  const rendered = renderContent(content ?? '', doc.variables);
  if ('missing' in rendered) return skip(`missing variables: ${rendered.missing.join(', ')}`);

  // Where: the channel asked for, if the member allows it; else theirs, preferred first.
  // Clinical and service messages follow the member's channel choices as marketing does.
  if (asked && !prefs.channels.includes(asked)) return skip(`channel-not-allowed: ${asked}`);
  const candidates = asked ? [asked] : channelsToTry(prefs);
  if (candidates.length === 0) return skip('no-allowed-channel');
  let contact: MemberContactView | null = null;
  let lastReason = 'no-address';
  for (const channel of candidates) {
    let found: MemberContactView;
    try {
      found = await inputs.contact(doc.memberId, channel);
    } catch (error) {
      if ((error as AppError)?.code === ErrorCode.MEMBER_NOT_FOUND)
        return skip('member-not-found', channel);
      throw error; // members unavailable: the caller retries, the message stays pending
    }
    if (found.erased) return skip('member-erased', channel);
    if (!found.address) {
      lastReason = 'no-address';
      continue;
    }
    if (doc.purpose === 'marketing' && channel !== 'call' && !found.marketingConsent) {
      lastReason = 'no-marketing-consent';
      continue;
    }
    contact = found;
    break;
  }
  if (!contact) return skip(lastReason, asked ?? candidates[0]!);

  const due = doc.notBefore && doc.notBefore > now ? doc.notBefore : now;
  const quietEnd = quietUntilInZone(
    due,
    quietWindow(prefs.quietHours.start, prefs.quietHours.end),
    prefs.timeZone,
  );
  const bypass = quietEnd !== null && doc.urgent && doc.purpose === 'clinical';
  return {
    doc,
    channel: contact.channel,
    contact,
    text: rendered.text,
    due,
    quietEnd,
    bypass,
    fromTemplate,
  };
}

/** The text in the member's language, else the chain's (zh-CN), else whichever was given. */
function contentIn(
  byLanguage: Partial<Record<NotificationLanguage, string>>,
  language: NotificationLanguage,
): string {
  return byLanguage[language] ?? byLanguage['zh-CN'] ?? byLanguage.en ?? '';
}

export function isCleared(outcome: Decision | Cleared): outcome is Cleared {
  return 'contact' in outcome;
}

/** When a cleared message goes: after the member's quiet hours unless it may pass them. */
export function goesAt(cleared: Cleared): Date {
  return cleared.quietEnd && !cleared.bypass ? cleared.quietEnd : cleared.due;
}

/** The decision for a cleared message holding its slots (a call is decided by its task). */
export function queuedOrDeferred(cleared: Cleared): Decision {
  const { channel, quietEnd, bypass, due, fromTemplate } = cleared;
  if (quietEnd && !bypass)
    return {
      status: 'deferred',
      reason: 'quiet-hours',
      channel,
      dueAt: quietEnd,
      deferredUntil: quietEnd,
      quietHoursBypassed: false,
      ...fromTemplate,
    };
  return { status: 'queued', channel, dueAt: due, quietHoursBypassed: bypass, ...fromTemplate };
}
