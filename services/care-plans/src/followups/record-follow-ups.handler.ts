import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import {
  FOLLOW_UP_DAYS,
  followedLines,
  followUpTaskId,
  planFollowUps,
  refundsEndFollowUp,
  type FirstContacts,
} from './follow-up-schedule';
import { FollowUpRefundsRepository } from './follow-up-refunds.repository';

export const FOLLOW_UP_SETTINGS = Symbol('FOLLOW_UP_SETTINGS');
export interface FollowUpSettings {
  followedCategories: ReadonlySet<string>;
  firstContacts: FirstContacts;
}

/**
 * Post-purchase follow-ups (004): a sale of a followed category becomes five tasks for its
 * store, each inserted under its cause (`followup:<tx>:d<n>`), so a redelivered sale inserts
 * nothing; a refund that takes back every followed unit cancels the ones still open.
 */
@Injectable()
export class RecordFollowUps {
  constructor(
    private readonly tasks: CareTasksRepository,
    private readonly refunds: FollowUpRefundsRepository,
    @Inject(FOLLOW_UP_SETTINGS) private readonly settings: FollowUpSettings,
  ) {}

  /** The follow-up tasks of a run of sales, in one insert; answers how many were new. */
  forSales(purchases: readonly PurchaseRecordedPayload[], now = new Date()): Promise<number> {
    return inSpan('care.followups.plan', () => {
      const docs: CareTaskDocument[] = [];
      for (const purchase of purchases) {
        if (purchase.type !== 'sale') continue;
        const followed = followedLines(purchase.items, this.settings.followedCategories);
        if (followed.length === 0) continue;
        const saleAt = new Date(purchase.occurredAt);
        for (const planned of planFollowUps(
          purchase.transactionId,
          saleAt,
          this.settings.firstContacts,
        ))
          docs.push({
            _id: planned.id,
            memberId: purchase.memberId,
            kind: planned.kind,
            priority: 'normal',
            dueAt: planned.dueAt,
            status: 'open',
            cause: { type: 'followup', transactionId: purchase.transactionId, day: planned.day },
            assigneeRole: 'store',
            storeId: purchase.storeId,
            contentKey: planned.contentKey,
            createdAt: now,
            followed,
          });
      }
      return this.tasks.insertNew(docs);
    });
  }

  /** A refund: once every followed unit of the sale is back, the open follow-ups are cancelled. */
  forRefund(refund: PurchaseRecordedPayload): Promise<number> {
    return inSpan('care.followups.refund', async () => {
      if (refund.type !== 'refund' || !refund.originalTransactionId) return 0;
      const original = refund.originalTransactionId;
      const first = await this.tasks.find(followUpTaskId(original, FOLLOW_UP_DAYS[0]));
      if (!first?.followed) return 0;
      const refunds = await this.refunds.add({
        _id: refund.transactionId,
        originalTransactionId: original,
        lines: refund.items.map(({ sku, quantity }) => ({ sku, quantity })),
        at: new Date(refund.occurredAt),
      });
      if (
        !refundsEndFollowUp(
          first.followed,
          refunds.map((r) => r.lines),
        )
      )
        return 0;
      let cancelled = 0;
      for (const day of FOLLOW_UP_DAYS) {
        const { won } = await this.tasks.close({
          _id: followUpTaskId(original, day),
          status: 'cancelled',
          at: new Date(),
          reason: `refund:${refund.transactionId}`,
        });
        if (won) cancelled++;
      }
      return cancelled;
    });
  }
}
