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
  type Line,
} from './follow-up-schedule';
import {
  type FollowUpRefundDocument,
  FollowUpRefundsRepository,
} from './follow-up-refunds.repository';

export const FOLLOW_UP_SETTINGS = Symbol('FOLLOW_UP_SETTINGS');
/** Sales of a run whose first follow-up was on file already, looked at together. */
const READS_IN_FLIGHT = 8;
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

  /**
   * The follow-up tasks of a run of sales, in one insert; answers how many were new. A sale
   * whose first follow-up id was taken is either a redelivery (nothing to do) or one whose
   * refund came first and left a placeholder there (see forRefund): that sale's follow-ups are
   * made and then settled against the refunds already on file.
   */
  forSales(purchases: readonly PurchaseRecordedPayload[], now = new Date()): Promise<number> {
    return inSpan('care.followups.plan', async () => {
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
      const taken = await this.tasks.insertNewAnswering(docs);
      // A sale twice in the run (a redelivery) took its own ids: only ids taken before the
      // insert may hold a refund's placeholder.
      const insertedNow = new Set(docs.filter((_, i) => !taken.has(i)).map((d) => d._id));
      const takenBefore = new Map<string, CareTaskDocument>();
      for (const index of taken) {
        const first = docs[index]!;
        if (first.cause.day === FOLLOW_UP_DAYS[0] && !insertedNow.has(first._id))
          takenBefore.set(first._id, first);
      }
      const firsts = [...takenBefore.values()];
      for (let i = 0; i < firsts.length; i += READS_IN_FLIGHT)
        await Promise.all(
          firsts.slice(i, i + READS_IN_FLIGHT).map((first) => this.afterEarlyRefund(first)),
        );
      return docs.length - taken.size;
    });
  }

  /**
   * A refund: once every followed unit of the sale is back, the open follow-ups are cancelled.
   * When the sale is not on file yet (it comes later: another partition, a redelivery), the
   * refund is kept and a cancelled placeholder takes the sale's first follow-up id, so the
   * sale, when it comes, finds it in its own insert and settles against the refunds.
   */
  forRefund(refund: PurchaseRecordedPayload, now = new Date()): Promise<number> {
    return inSpan('care.followups.refund', async () => {
      if (refund.type !== 'refund' || !refund.originalTransactionId) return 0;
      const back = followedLines(refund.items, this.settings.followedCategories);
      if (back.length === 0) return 0; // nothing followed came back: no follow-up to end
      const original = refund.originalTransactionId;
      const refunds = await this.refunds.add({
        _id: refund.transactionId,
        originalTransactionId: original,
        lines: refund.items.map(({ sku, quantity }) => ({ sku, quantity })),
        at: new Date(refund.occurredAt),
      });
      const firstId = followUpTaskId(original, FOLLOW_UP_DAYS[0]);
      let first = await this.tasks.find(firstId);
      if (!first) {
        const placeholder: CareTaskDocument = {
          _id: firstId,
          memberId: refund.memberId,
          kind: 'call',
          priority: 'normal',
          dueAt: new Date(refund.occurredAt),
          status: 'cancelled',
          cause: { type: 'followup', transactionId: original, day: FOLLOW_UP_DAYS[0] },
          assigneeRole: 'store',
          storeId: refund.storeId,
          createdAt: now,
          cancelReason: `refund:${refund.transactionId}`,
          awaitingSale: true,
        };
        if ((await this.tasks.insertNew([placeholder])) === 1) return 0;
        first = await this.tasks.find(firstId); // the sale came meanwhile
      }
      if (!first?.followed || first.awaitingSale) return 0;
      return this.cancelIfAllBack(original, first.followed, refunds, refund.transactionId);
    });
  }

  /**
   * A sale whose first follow-up id was taken before: its first follow-up replaces a refund's
   * placeholder if one is there, and the sale is settled against the refunds on file. Settled
   * again on a redelivery too (the cancellations are closures, inserted once): a settlement cut
   * off after the placeholder went (a failed run, a crash) is finished when the run comes again.
   */
  private async afterEarlyRefund(first: CareTaskDocument): Promise<void> {
    const onFile = await this.tasks.find(first._id);
    if (onFile?.awaitingSale) await this.tasks.replacePlaceholder(first);
    const original = first.cause.transactionId!;
    const refunds = await this.refunds.of(original);
    const last = refunds[refunds.length - 1];
    if (last) await this.cancelIfAllBack(original, first.followed!, refunds, last._id);
  }

  private async cancelIfAllBack(
    original: string,
    followed: Line[],
    refunds: FollowUpRefundDocument[],
    refundId: string,
  ): Promise<number> {
    if (
      !refundsEndFollowUp(
        followed,
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
        reason: `refund:${refundId}`,
      });
      if (won) cancelled++;
    }
    return cancelled;
  }
}
