import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { RefillReminderDocument } from './refill-reminder.document';
import { RefillRemindersRepository } from './refill-reminders.repository';
import {
  afterFill,
  afterRefund,
  daysByTherapy,
  refillReminderId,
  reminderDueAt,
  type SupplyLine,
} from './refill-supply';

export const REFILL_LEAD_DAYS = Symbol('REFILL_LEAD_DAYS');
/** Versions inserted by others between our read and our insert before we give up (and retry the message). */
const MAX_RACES = 5;

/**
 * Refill reminders from `daysSupply × quantity`: each sale or refund with days of supply makes
 * the next version of the member's reminder for that therapy (carried forward, or shortened),
 * which supersedes the one before, so there is one reminder in force per member and therapy.
 */
@Injectable()
export class RecordRefills {
  constructor(
    private readonly reminders: RefillRemindersRepository,
    @Inject(REFILL_LEAD_DAYS) private readonly leadDays: number,
  ) {}

  execute(purchase: PurchaseRecordedPayload): Promise<void> {
    return inSpan('care.refills.record', async () => {
      // The contract carries no ATC yet: lines group by category until it does.
      const days = daysByTherapy(purchase.items as SupplyLine[]);
      for (const [therapy, supplied] of days) await this.apply(purchase, therapy, supplied);
    });
  }

  private async apply(purchase: PurchaseRecordedPayload, therapy: string, days: number) {
    const { memberId, transactionId } = purchase;
    const fill = `${memberId}:${therapy}:${transactionId}`;
    const at = new Date(purchase.occurredAt);
    for (let race = 0; race < MAX_RACES; race++) {
      if (await this.reminders.wasApplied(fill)) return;
      const head = await this.reminders.head(memberId, therapy);
      let next: Pick<RefillReminderDocument, 'supplyEndsAt' | 'status'>;
      if (purchase.type === 'sale') {
        next = { supplyEndsAt: afterFill(head, at, days).supplyEndsAt, status: 'open' };
      } else {
        if (!head) return; // a refund of a supply we never saw: nothing to move
        const after = afterRefund(head, at, days);
        next = { supplyEndsAt: after.supplyEndsAt, status: after.exhausted ? 'cancelled' : 'open' };
      }
      const version = (head?.version ?? 0) + 1;
      const inserted = await this.reminders.insert({
        _id: refillReminderId(memberId, therapy, version),
        fill,
        memberId,
        therapy,
        version,
        transactionId,
        days: purchase.type === 'sale' ? days : -days,
        ...(purchase.type === 'refund' && purchase.originalTransactionId
          ? { refundOf: purchase.originalTransactionId }
          : {}),
        storeId: purchase.storeId,
        at,
        ...next,
        dueAt: reminderDueAt(next.supplyEndsAt, this.leadDays),
        createdAt: new Date(),
      });
      if (!inserted) continue;
      if (head?.status === 'open')
        await this.reminders.mark(head._id, 'open', { status: 'superseded' });
      return;
    }
    throw new Error(`refill reminder for ${memberId}/${therapy} kept racing; retried later`);
  }
}
