import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type MemberContactView,
  type SendNotificationCommand,
  type SendNotificationResult,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CallTasksRepository } from '../channels/call-tasks.repository';
import { ContactBudgets } from '../do-not-disturb/contact-budgets';
import { MarketingCaps } from '../do-not-disturb/marketing-caps';
import { quietWindow } from '../do-not-disturb/quiet-hours';
import { quietUntilInZone } from '../do-not-disturb/time-zone';
import { DeliveryScheduler } from '../delivery/delivery-scheduler';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { channelsToTry, type EffectivePreferences } from '../preferences/contact-preferences';
import { ContactPreferences } from '../preferences/contact-preferences.handler';
import { bodyFor, parseTemplateRef } from '../templates/template-rules';
import { TemplatesRepository } from '../templates/templates.repository';
import { messageIdFor, renderContent } from './message-id';

/** A call task is handed to staff, not to a provider: this names it where a provider would be. */
export const CALL_TASK_PROVIDER = 'call-task';

type Decision = Pick<
  MessageDocument,
  'status' | 'reason' | 'channel' | 'dueAt' | 'quietHoursBypassed'
> &
  Partial<
    Pick<MessageDocument, 'content' | 'templateVersion' | 'language' | 'provider' | 'deferredUntil'>
  >;

/**
 * `notifications.v1.send` (CONTRACTS.md §6), once per cause. The message is inserted first
 * under the id its cause names, as `pending`; then its fate is decided (template, member,
 * preferences, address, consent, cap, contact budget, quiet hours) and written. Asking again
 * for a cause answers the first decision; a decision cut off by a crash is made by the next ask
 * (a redelivered trigger), and takes no second slot (slots are found by message id first).
 */
@Injectable()
export class SendNotification {
  constructor(
    private readonly store: MessagesRepository,
    private readonly members: MembersClient,
    private readonly caps: MarketingCaps,
    private readonly budgets: ContactBudgets,
    private readonly preferences: ContactPreferences,
    private readonly templates: TemplatesRepository,
    private readonly callTasks: CallTasksRepository,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  execute(command: SendNotificationCommand, campaignId?: string): Promise<SendNotificationResult> {
    return inSpan('notifications.send', async () => {
      const id = messageIdFor(command.cause);
      let doc = await this.store.find(id);
      if (!doc) {
        const now = new Date();
        const fresh: MessageDocument = {
          _id: id,
          cause: command.cause,
          memberId: command.memberId,
          purpose: command.purpose,
          channel: command.channel ?? null,
          content: command.content ?? null,
          templateId: command.templateId ?? null,
          variables: command.variables ?? {},
          urgent: command.urgent === true,
          notBefore: command.notBefore ? new Date(command.notBefore) : null,
          ...(campaignId ? { campaignId } : {}),
          status: 'pending',
          createdAt: now,
          dueAt: now,
          attempts: 0,
          quietHoursBypassed: false,
        };
        if (!(await this.store.insert(fresh))) doc = await this.store.find(id);
        else doc = fresh;
      }
      if (!doc) throw new AppError(ErrorCode.INTERNAL, 'The message vanished while being sent');
      if (doc.status !== 'pending') return resultOf(doc);

      const decision = await this.decide(doc);
      await this.store.update(id, decision);
      if (decision.status === 'queued' && decision.dueAt.getTime() <= Date.now())
        this.scheduler.nudge();
      return resultOf({ ...doc, ...decision });
    });
  }

  private async decide(doc: MessageDocument): Promise<Decision> {
    const now = new Date();
    const skip = (reason: string, channel = doc.channel): Decision => ({
      status: 'skipped',
      reason,
      channel,
      dueAt: now,
      quietHoursBypassed: false,
    });
    const prefs = await this.preferences.of(doc.memberId);

    // What to say: the caller's text, or the template's body in the member's language.
    let content = doc.content;
    let asked = doc.channel;
    let fromTemplate: Partial<Decision> = {};
    if (doc.templateId !== null && doc.content === null) {
      const ref = parseTemplateRef(doc.templateId);
      const template = await this.templates.find(ref.key, ref.version);
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
        found = await this.members.contact(doc.memberId, channel);
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
    const channel = contact.channel;

    const due = doc.notBefore && doc.notBefore > now ? doc.notBefore : now;
    const quietEnd = quietEndFor(due, prefs);
    const bypass = quietEnd !== null && doc.urgent && doc.purpose === 'clinical';

    if (doc.purpose === 'marketing' && !(await this.caps.take(doc.memberId, channel, doc._id, now)))
      return skip(
        `cap-reached: ${this.caps.capOf(channel)} marketing ${channel} messages per rolling year`,
        channel,
      );
    if (!(await this.budgets.take(doc.memberId, doc.purpose, doc._id, now))) {
      await this.caps.release(doc._id, channel);
      const { size, windowDays, clinicalReserve } = this.budgets.settings;
      return skip(
        `contact-budget-used: ${size} contacts per ${windowDays} days, ${clinicalReserve} kept for clinical and service messages`,
        channel,
      );
    }
    const goesAt = quietEnd && !bypass ? quietEnd : due;
    if (channel === 'call') return this.callTask(doc, contact, rendered.text, goesAt, fromTemplate);
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

  /**
   * A call is listed for the staff of the member's home store, not sent: the message is
   * handed over (`sent`) when its task is in the list, due after the member's quiet hours.
   */
  private async callTask(
    doc: MessageDocument,
    contact: MemberContactView,
    script: string,
    dueAt: Date,
    fromTemplate: Partial<Decision>,
  ): Promise<Decision> {
    await this.callTasks.insert({
      _id: `call:${doc._id}`,
      messageId: doc._id,
      memberId: doc.memberId,
      storeId: contact.homeStoreId ?? null,
      purpose: doc.purpose,
      status: 'open',
      script,
      dueAt,
      createdAt: new Date(),
    });
    return {
      status: 'sent',
      channel: 'call',
      dueAt,
      quietHoursBypassed: false,
      provider: CALL_TASK_PROVIDER,
      ...fromTemplate,
    };
  }
}

function quietEndFor(at: Date, prefs: EffectivePreferences): Date | null {
  return quietUntilInZone(
    at,
    quietWindow(prefs.quietHours.start, prefs.quietHours.end),
    prefs.timeZone,
  );
}

function resultOf(doc: Pick<MessageDocument, '_id' | 'status' | 'reason'>): SendNotificationResult {
  return {
    messageId: doc._id,
    status: doc.status === 'pending' ? 'queued' : doc.status,
    ...(doc.reason ? { reason: doc.reason } : {}),
  };
}
