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
import { BUDGET_POOL, ContactBudgets } from '../do-not-disturb/contact-budgets';
import { MarketingCaps } from '../do-not-disturb/marketing-caps';
import { SlotPools } from '../do-not-disturb/slot-pools';
import { DeliveryScheduler } from '../delivery/delivery-scheduler';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { statusFromEvents } from '../messages/message-status';
import { definedOnly, MessagesRepository } from '../messages/messages.repository';
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
 * `notifications.v1.send` (CONTRACTS.md §6), once per cause. The message's fate is decided
 * (template, member, preferences, address, consent, cap, contact budget, quiet hours), its
 * cap and budget slots taken, and the message inserted as decided under the id its cause
 * names: that insert is what makes the decision stand. Asking again for a cause answers the
 * decision that stands; a decision cut off by a crash before its insert is made again by the
 * next ask (a redelivered trigger), and takes no second slot (a message's uses are found by its
 * id first). Two decisions of one message at once both take slots; the one whose insert loses
 * settles its slots against the one that stands (SlotPools.settleLost).
 *
 * `executeMany` is the same for a batch (a campaign's page): what the decisions read fetched up
 * front, one take of all their slots, one insert of all the messages.
 */
@Injectable()
export class SendNotification {
  constructor(
    private readonly store: MessagesRepository,
    private readonly members: MembersClient,
    private readonly caps: MarketingCaps,
    private readonly budgets: ContactBudgets,
    private readonly slots: SlotPools,
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
      // A redelivered trigger is answered from the decision that stands, without deciding again.
      const standing = await this.store.find(messageIdFor(command.cause));
      if (standing && standing.status !== 'pending') return this.answerOf(standing);
      const [answer] = await this.decide([newMessage(command, campaign)], this.oneAtATime());
      if (answer instanceof Error) throw answer;
      return answer!;
    });
  }

  /** `execute` for each command; answers in the order given, an Error where one failed (nothing stands for it). */
  executeMany(
    commands: readonly SendNotificationCommand[],
    campaign?: CampaignSend,
  ): Promise<(SendNotificationResult | Error)[]> {
    return inSpan('notifications.send-many', async () => {
      const docs = commands.map((command) => newMessage(command, campaign));
      return this.decide(docs, await this.fetchedFor(docs));
    });
  }

  /** Decides each message, takes the slots of those cleared, then inserts them all as decided. */
  private async decide(
    docs: MessageDocument[],
    inputs: DecisionInputs,
  ): Promise<(SendNotificationResult | Error)[]> {
    const now = new Date();
    const outcomes = await Promise.all(
      docs.map((doc) =>
        clearForSending(doc, inputs, now).catch((error: unknown) => toError(error)),
      ),
    );
    const cleared = outcomes.filter((o): o is Cleared => !(o instanceof Error) && isCleared(o));
    const placed = await this.place(cleared, now);

    const answers: (SendNotificationResult | Error)[] = [];
    const decided: { doc: MessageDocument; at: number }[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome instanceof Error) return void (answers[i] = outcome);
      const decision = isCleared(outcome) ? placed.get(outcome.doc._id)!.decision : outcome;
      decided.push({ doc: { ...docs[i]!, ...definedOnly(decision) }, at: i });
    });
    const taken = await this.store.insertMany(decided.map((d) => d.doc));
    await Promise.all(
      decided.map(async ({ doc, at }, k) => {
        if (taken.has(k)) return void (answers[at] = await this.standing(doc));
        answers[at] = resultOf(doc);
        // Refused, yet holding uses (an earlier decision's, or ones won before a pool refused):
        // they go back now that the refusal stands.
        if (doc.status === 'skipped' && placed.get(doc._id)?.holdsUses)
          await this.slots.release(doc._id);
      }),
    );
    // Queued by this decision: delivery starts them from here, with the contact just read.
    const contactOf = new Map(cleared.map(({ doc, contact }) => [doc._id, contact]));
    const queued = decided.filter(({ doc }, k) => !taken.has(k) && doc.status === 'queued');
    if (queued.length > 0)
      this.scheduler.handOver(queued.map(({ doc }) => ({ doc, contact: contactOf.get(doc._id)! })));
    return answers;
  }

  /**
   * A message whose insert found it decided already: that decision stands, and this one's
   * slots are settled against it. A message left `pending` (written so by an earlier version)
   * takes this decision instead.
   */
  private async standing(mine: MessageDocument): Promise<SendNotificationResult | Error> {
    const found = await this.store.find(mine._id);
    if (!found) return new AppError(ErrorCode.INTERNAL, 'The message vanished while being sent');
    if (found.status === 'pending') {
      const { _id, ...decision } = mine;
      await this.store.update(_id, decision);
      return resultOf(mine);
    }
    await this.slots.settleLost(found._id, !NOT_HOLDING.has(found.status));
    return this.answerOf(found);
  }

  /**
   * The answer for a decision that stands: its status as the member's list shows it, from the
   * provider's events where there are any, since the document's copy may lag them (a receipt
   * can land between the read and the write of our own `sent` mark; DeliverMessage.reproject).
   */
  private async answerOf(doc: MessageDocument): Promise<SendNotificationResult> {
    if (doc.status === 'skipped') return resultOf(doc);
    const fromEvents = statusFromEvents(await this.store.eventsOf([doc._id]));
    return resultOf(fromEvents ? { ...doc, status: fromEvents.status } : doc);
  }

  /**
   * The cap (marketing) and budget slots of the cleared messages, taken together, then where
   * each goes: held, it is queued, deferred or listed as a call; else refused with the pool's reason.
   */
  private async place(
    all: Cleared[],
    now: Date,
  ): Promise<Map<string, { decision: Decision; holdsUses: boolean }>> {
    const grants = await this.slots.takeAll(
      all.map(({ doc, channel }) => ({
        messageId: doc._id,
        pools: [
          ...(doc.purpose === 'marketing' ? [this.caps.poolOf(doc.memberId, channel, now)] : []),
          this.budgets.poolOf(doc.memberId, doc.purpose, now),
        ],
      })),
      now,
    );
    const placed = new Map<string, { decision: Decision; holdsUses: boolean }>();
    await Promise.all(
      all.map(async (cleared, k) => {
        const grant = grants[k]!;
        const decision = grant.held
          ? await this.placed(cleared)
          : grant.refusedBy === BUDGET_POOL
            ? this.budgetRefusal(cleared, now)
            : this.capRefusal(cleared, now);
        placed.set(cleared.doc._id, { decision, holdsUses: !grant.held && grant.holdsUses });
      }),
    );
    return placed;
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

/** A message in these states holds no cap or budget slot (never had one, or gave it back). */
const NOT_HOLDING = new Set<MessageDocument['status']>(['skipped', 'failed']);

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
