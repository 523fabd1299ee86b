import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type NotificationChannel,
  type SendNotificationCommand,
  type SendNotificationResult,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CallTasksRepository } from '../channels/call-tasks.repository';
import { ContactBudgets } from '../do-not-disturb/contact-budgets';
import { MarketingCaps } from '../do-not-disturb/marketing-caps';
import { DeliveryScheduler } from '../delivery/delivery-scheduler';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { ContactPreferences } from '../preferences/contact-preferences.handler';
import { parseTemplateRef } from '../templates/template-rules';
import { TemplatesRepository } from '../templates/templates.repository';
import { messageIdFor } from './message-id';
import {
  CALL_TASK_PROVIDER,
  type Cleared,
  clearForSending,
  type Decision,
  type DecisionInputs,
  goesAt,
  isCleared,
  queuedOrDeferred,
  skipped,
} from './send-decision';

/** What a campaign adds to the command of each of its messages. */
export interface CampaignSend {
  campaignId: string;
  /** The campaign's text per language: each member gets theirs (else the chain's). */
  contentByLanguage?: MessageDocument['contentByLanguage'];
}

/**
 * `notifications.v1.send` (CONTRACTS.md §6), once per cause. The message is inserted first
 * under the id its cause names, as `pending`; then its fate is decided (template, member,
 * preferences, address, consent, cap, contact budget, quiet hours) and written. Asking again
 * for a cause answers the first decision; a decision cut off by a crash is made by the next ask
 * (a redelivered trigger), and takes no second slot (slots are found by message id first).
 *
 * `executeMany` is the same for a batch (a campaign's page): one insert of all the messages,
 * what the decisions read fetched up front, one take of all their slots, one write of all the
 * decisions. Each message ends exactly as `execute` would have left it.
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

  execute(
    command: SendNotificationCommand,
    campaign?: CampaignSend,
  ): Promise<SendNotificationResult> {
    return inSpan('notifications.send', async () => {
      const fresh = newMessage(command, campaign);
      let doc: MessageDocument | null = fresh;
      if (!(await this.store.insert(fresh))) doc = await this.store.find(fresh._id);
      if (!doc) throw new AppError(ErrorCode.INTERNAL, 'The message vanished while being sent');
      if (doc.status !== 'pending') return resultOf(doc);

      const now = new Date();
      const outcome = await clearForSending(doc, this.oneAtATime(), now);
      const decision = isCleared(outcome) ? await this.placeOne(outcome, now) : outcome;
      await this.store.update(doc._id, decision);
      if (decision.status === 'queued' && decision.dueAt.getTime() <= Date.now())
        this.scheduler.nudge();
      return resultOf({ ...doc, ...decision });
    });
  }

  /** `execute` for each command; answers in the order given, an Error where one failed (it stays pending). */
  executeMany(
    commands: readonly SendNotificationCommand[],
    campaign?: CampaignSend,
  ): Promise<(SendNotificationResult | Error)[]> {
    return inSpan('notifications.send-many', async () => {
      const docs = commands.map((command) => newMessage(command, campaign));
      const taken = await this.store.insertMany(docs);
      const vanished = new Set<number>();
      if (taken.size > 0) {
        const existing = await this.store.findMany([...taken].map((i) => docs[i]!._id));
        for (const i of taken) {
          const found = existing.get(docs[i]!._id);
          if (found) docs[i] = found;
          else vanished.add(i);
        }
      }
      const answers: (SendNotificationResult | Error)[] = docs.map((doc, i) =>
        vanished.has(i)
          ? new AppError(ErrorCode.INTERNAL, 'The message vanished while being sent')
          : resultOf(doc),
      );
      const pending = [...docs.keys()].filter(
        (i) => !vanished.has(i) && docs[i]!.status === 'pending',
      );
      if (pending.length === 0) return answers;

      const now = new Date();
      const inputs = await this.fetchedFor(pending.map((i) => docs[i]!));
      const outcomes = await Promise.all(
        pending.map((i) =>
          clearForSending(docs[i]!, inputs, now).catch((error: unknown) => toError(error)),
        ),
      );
      const cleared = outcomes.filter((o): o is Cleared => !(o instanceof Error) && isCleared(o));
      const placed = await this.placeMany(cleared, now);

      const decisions = new Map<number, Decision>();
      pending.forEach((i, k) => {
        const outcome = outcomes[k]!;
        if (outcome instanceof Error) answers[i] = outcome;
        else decisions.set(i, isCleared(outcome) ? placed.get(outcome.doc._id)! : outcome);
      });
      await this.store.updateMany(
        [...decisions].map(([i, decision]) => ({ id: docs[i]!._id, set: decision })),
      );
      for (const [i, decision] of decisions) answers[i] = resultOf({ ...docs[i]!, ...decision });
      if ([...decisions.values()].some((d) => d.status === 'queued')) this.scheduler.nudge();
      return answers;
    });
  }

  /** The cap (marketing) and budget slots of one cleared message, then where it goes. */
  private async placeOne(cleared: Cleared, now: Date): Promise<Decision> {
    const { doc, channel } = cleared;
    if (doc.purpose === 'marketing' && !(await this.caps.take(doc.memberId, channel, doc._id, now)))
      return this.capRefusal(cleared, now);
    if (!(await this.budgets.take(doc.memberId, doc.purpose, doc._id, now))) {
      await this.caps.release(doc._id, channel);
      return this.budgetRefusal(cleared, now);
    }
    return this.placed(cleared);
  }

  /** placeOne for a batch: each pool's slots taken for all the messages at once. */
  private async placeMany(all: Cleared[], now: Date): Promise<Map<string, Decision>> {
    const decisions = new Map<string, Decision>();
    const marketing = all.filter((c) => c.doc.purpose === 'marketing');
    const capHeld = await this.caps.takeMany(
      marketing.map((c) => ({
        memberId: c.doc.memberId,
        channel: c.channel,
        messageId: c.doc._id,
      })),
      now,
    );
    marketing.forEach((c, k) => {
      if (!capHeld[k]) decisions.set(c.doc._id, this.capRefusal(c, now));
    });
    const rest = all.filter((c) => !decisions.has(c.doc._id));
    const budgetHeld = await this.budgets.takeMany(
      rest.map((c) => ({ memberId: c.doc.memberId, purpose: c.doc.purpose, messageId: c.doc._id })),
      now,
    );
    await Promise.all(
      rest.map(async (c, k) => {
        if (budgetHeld[k]) return decisions.set(c.doc._id, await this.placed(c));
        await this.caps.release(c.doc._id, c.channel);
        decisions.set(c.doc._id, this.budgetRefusal(c, now));
      }),
    );
    return decisions;
  }

  private capRefusal({ doc, channel }: Cleared, now: Date): Decision {
    const cap = this.caps.capOf(channel);
    return skipped(
      doc,
      `cap-reached: ${cap} marketing ${channel} messages per rolling year`,
      now,
      channel,
    );
  }

  private budgetRefusal({ doc, channel }: Cleared, now: Date): Decision {
    const { size, windowDays, clinicalReserve } = this.budgets.settings;
    return skipped(
      doc,
      `contact-budget-used: ${size} contacts per ${windowDays} days, ${clinicalReserve} kept for clinical and service messages`,
      now,
      channel,
    );
  }

  /** A message holding its slots: queued or deferred, or a call listed as a task. */
  private async placed(cleared: Cleared): Promise<Decision> {
    return cleared.channel === 'call' ? this.callTask(cleared) : queuedOrDeferred(cleared);
  }

  /**
   * A call is listed for the staff of the member's home store, not sent: the message is
   * handed over (`sent`) when its task is in the list, due after the member's quiet hours.
   */
  private async callTask(cleared: Cleared): Promise<Decision> {
    const { doc, contact, text, fromTemplate } = cleared;
    const dueAt = goesAt(cleared);
    await this.callTasks.insert({
      _id: `call:${doc._id}`,
      messageId: doc._id,
      memberId: doc.memberId,
      storeId: contact.homeStoreId ?? null,
      purpose: doc.purpose,
      status: 'open',
      script: text,
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

  /** The decision's reads, one request each. */
  private oneAtATime(): DecisionInputs {
    return {
      preferences: (memberId) => this.preferences.of(memberId),
      contact: (memberId, channel) => this.members.contact(memberId, channel),
      template: (ref) => {
        const { key, version } = parseTemplateRef(ref);
        return this.templates.find(key, version);
      },
    };
  }

  /**
   * The decisions' reads for a batch: every member's preferences, and their contact on the
   * channel each message asks for, fetched up front; a template read once. What was not
   * fetched (a channel left to the member's preferences) is asked one at a time.
   */
  private async fetchedFor(docs: MessageDocument[]): Promise<DecisionInputs> {
    const one = this.oneAtATime();
    const templates = new Map<string, ReturnType<DecisionInputs['template']>>();
    const template = (ref: string) => {
      if (!templates.has(ref)) templates.set(ref, one.template(ref));
      return templates.get(ref)!;
    };
    // The channel each message asks for: its own, else its template's.
    const byChannel = new Map<NotificationChannel, string[]>();
    for (const doc of docs) {
      const channel =
        doc.channel ?? (doc.templateId ? (await template(doc.templateId))?.channel : undefined);
      if (channel) byChannel.set(channel, [...(byChannel.get(channel) ?? []), doc.memberId]);
    }
    const [preferences, ...contacts] = await Promise.all([
      this.preferences.ofMany(docs.map((doc) => doc.memberId)),
      ...[...byChannel].map(([channel, ids]) => this.members.contacts(ids, channel)),
    ]);
    const contactOf = new Map(
      [...byChannel.keys()].map((channel, k) => [channel, contacts[k]!] as const),
    );
    return {
      preferences: async (memberId) => preferences.get(memberId) ?? one.preferences(memberId),
      contact: async (memberId, channel) => {
        const found = contactOf.get(channel)?.get(memberId);
        if (found === null)
          throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${memberId}`);
        return found ?? one.contact(memberId, channel);
      },
      template,
    };
  }
}

function newMessage(command: SendNotificationCommand, campaign?: CampaignSend): MessageDocument {
  const now = new Date();
  return {
    _id: messageIdFor(command.cause),
    cause: command.cause,
    memberId: command.memberId,
    purpose: command.purpose,
    channel: command.channel ?? null,
    content: command.content ?? null,
    ...(campaign?.contentByLanguage ? { contentByLanguage: campaign.contentByLanguage } : {}),
    templateId: command.templateId ?? null,
    variables: command.variables ?? {},
    urgent: command.urgent === true,
    notBefore: command.notBefore ? new Date(command.notBefore) : null,
    ...(campaign ? { campaignId: campaign.campaignId } : {}),
    status: 'pending',
    createdAt: now,
    dueAt: now,
    attempts: 0,
    quietHoursBypassed: false,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function resultOf(doc: Pick<MessageDocument, '_id' | 'status' | 'reason'>): SendNotificationResult {
  return {
    messageId: doc._id,
    status: doc.status === 'pending' ? 'queued' : doc.status,
    ...(doc.reason ? { reason: doc.reason } : {}),
  };
}
