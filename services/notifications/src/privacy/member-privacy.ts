import { Injectable } from '@nestjs/common';
import type { NotificationChannel, NotificationsExport } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { CallTasksRepository } from '../channels/call-tasks.repository';
import { BUDGET_POOL, ContactBudgets } from '../do-not-disturb/contact-budgets';
import { MarketingCaps } from '../do-not-disturb/marketing-caps';
import { SlotPools } from '../do-not-disturb/slot-pools';
import { MessagesRepository } from '../messages/messages.repository';
import { toPreferencesView } from '../preferences/contact-preferences';
import { ContactPreferences } from '../preferences/contact-preferences.handler';
import { PreferencesRepository } from '../preferences/preferences.repository';

/**
 * What notifications does for a member's privacy rights. Erasure removes what a message said
 * (its text, its variables, a call task's script) and the member's preferences, and keeps the
 * ids, states and causes, which are not personal and keep campaign and cap counts right. A
 * merge moves the duplicate's messages, preferences and cap and budget uses to the survivor
 * (so merging two profiles gives the person no fresh allowance). Both are idempotent
 * (a redelivered event writes the same values again).
 */
@Injectable()
export class MemberPrivacy {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly callTasks: CallTasksRepository,
    private readonly preferences: PreferencesRepository,
    private readonly contactPreferences: ContactPreferences,
    private readonly slots: SlotPools,
    private readonly caps: MarketingCaps,
    private readonly budgets: ContactBudgets,
  ) {}

  erase(memberId: string, erasedAt: Date): Promise<void> {
    return inSpan('notifications.erase', async () => {
      await this.messages.messages.updateMany(
        { memberId },
        { $set: { content: null, variables: {}, erasedAt } },
      );
      await this.callTasks.collection.updateMany({ memberId }, { $set: { script: '' } });
      await this.preferences.remove(memberId);
    });
  }

  merge(mergedId: string, survivorId: string): Promise<void> {
    return inSpan('notifications.merge', async () => {
      // The survivor's own stated wishes win; the duplicate's only fill a gap.
      const [theirs, ours] = await Promise.all([
        this.preferences.find(mergedId),
        this.preferences.find(survivorId),
      ]);
      if (theirs && !ours) await this.preferences.put({ ...theirs, _id: survivorId });
      if (theirs) await this.preferences.remove(mergedId);
      await this.messages.messages.updateMany(
        { memberId: mergedId },
        { $set: { memberId: survivorId, mergedFrom: mergedId } },
      );
      await this.callTasks.collection.updateMany(
        { memberId: mergedId },
        { $set: { memberId: survivorId } },
      );
      // The duplicate's contacts this year (and budget window) count against the survivor's.
      const now = new Date();
      await this.slots.moveTo(mergedId, survivorId, (pool) =>
        pool === BUDGET_POOL
          ? this.budgets.poolShape(now)
          : this.caps.poolShape(pool as NotificationChannel, now),
      );
    });
  }

  /** The member's part of `GET /members/{id}/export`: preferences and every message, with text. */
  export(memberId: string): Promise<NotificationsExport> {
    return inSpan('notifications.export', async () => {
      const [prefs, docs] = await Promise.all([
        this.preferences.find(memberId),
        this.messages.messages
          .find({ memberId }, { projection: { outbox: 0, outboxPending: 0 } })
          .sort({ createdAt: 1, _id: 1 })
          .toArray(),
      ]);
      return {
        memberId,
        preferences: toPreferencesView(memberId, prefs, this.contactPreferences.defaults),
        messages: docs.map((doc) => ({
          messageId: doc._id,
          cause: doc.cause,
          channel: doc.channel,
          purpose: doc.purpose,
          status: doc.status === 'pending' ? 'queued' : doc.status,
          createdAt: doc.createdAt.toISOString(),
          ...(doc.templateVersion ? { templateId: doc.templateVersion } : {}),
          content: doc.content,
          variables: doc.variables,
        })),
      };
    });
  }
}
