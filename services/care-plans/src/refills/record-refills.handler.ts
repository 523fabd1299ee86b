import { Inject, Injectable } from '@nestjs/common';
import type { PurchaseRecordedPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { RefillReminderDocument } from './refill-reminder.document';
import { RefillRemindersRepository } from './refill-reminders.repository';
import { type RefillChain, RefillChainCache } from './refill-chain-cache';
import {
  afterFill,
  afterRefund,
  daysByTherapy,
  refillReminderId,
  reminderDueAt,
  type SupplyLine,
} from './refill-supply';

export const REFILL_LEAD_DAYS = Symbol('REFILL_LEAD_DAYS');
/** Chains read from the store at once when a run meets members this process has not seen. */
const READS_IN_FLIGHT = 8;

/** A member's therapy touched by a run: the purchases that move it, in their order. */
interface Step {
  purchase: PurchaseRecordedPayload;
  days: number;
}

/**
 * Refill reminders from `daysSupply × quantity`: each sale or refund with days of supply makes
 * the next version of the member's reminder for that therapy (carried forward, or shortened),
 * which supersedes the one before, so there is one reminder in force per member and therapy.
 *
 * A run of purchases is applied at once: each therapy's chain (its versions' head and the fills
 * already applied) comes from memory, read from the store only the first time this process
 * meets it, and the run's new versions go in one unordered insert. A member's events are in one
 * partition, in order, so one consumer extends a chain at a time; when a rebalance let another
 * replica extend it meanwhile, our next version collides (versions are numbered, fills unique),
 * the chains involved are forgotten and the run fails, to be redelivered and read afresh.
 *
 * A version superseded inside the run is inserted as such; the head it replaces is left for the
 * sender, which looks for a next version before it sends (one write fewer per sale).
 */
@Injectable()
export class RecordRefills {
  private readonly chains = new RefillChainCache();

  constructor(
    private readonly reminders: RefillRemindersRepository,
    @Inject(REFILL_LEAD_DAYS) private readonly leadDays: number,
  ) {}

  /** Applies a single purchase (the run of one). */
  execute(purchase: PurchaseRecordedPayload): Promise<void> {
    return this.forRun([purchase]);
  }

  forRun(purchases: readonly PurchaseRecordedPayload[]): Promise<void> {
    return this.prepare(purchases).apply();
  }

  /**
   * Starts reading the chains a run needs that this process does not hold, and answers the
   * run, to `apply()` once the caller's other work for the same purchases is done: the reads
   * then overlap that work (the follow-ups' insert) instead of adding to it. The reads change
   * nothing, so a run that is never applied (the other work failed) leaves nothing behind.
   */
  prepare(purchases: readonly PurchaseRecordedPayload[]): { apply(): Promise<void> } {
    const steps = new Map<string, Step[]>();
    for (const purchase of purchases)
      for (const [therapy, days] of daysByTherapy(purchase.items as SupplyLine[])) {
        const key = RefillChainCache.key(purchase.memberId, therapy);
        steps.set(key, [...(steps.get(key) ?? []), { purchase, days }]);
      }
    if (steps.size === 0) return { apply: () => Promise.resolve() };
    const chains = this.chainsOf([...steps.keys()], purchases);
    chains.catch(() => undefined); // seen by apply(); unseen when the run is dropped
    return {
      apply: () => inSpan('care.refills.record', async () => this.applyRun(steps, await chains)),
    };
  }

  private async applyRun(
    steps: ReadonlyMap<string, Step[]>,
    chains: ReadonlyMap<string, RefillChain>,
  ): Promise<void> {
    const docs: RefillReminderDocument[] = [];
    const written = new Set<RefillReminderDocument>();
    const after = new Map<string, RefillChain>();
    for (const [key, keySteps] of steps) {
      const [memberId, therapy] = RefillChainCache.split(key);
      let chain = chains.get(key)!;
      for (const step of keySteps) {
        const next = this.nextVersion(chain, memberId, therapy, step);
        if (!next) continue;
        // A head made earlier in this run is superseded before it is ever written.
        if (chain.head && written.has(chain.head) && chain.head.status === 'open')
          chain.head.status = 'superseded';
        docs.push(next);
        written.add(next);
        chain = extended(chain, next);
      }
      after.set(key, chain);
    }
    const taken = await this.reminders.insertNew(docs);
    if (taken.size > 0) {
      for (const index of taken)
        this.chains.invalidate(RefillChainCache.key(docs[index]!.memberId, docs[index]!.therapy));
      throw new Error(
        `${taken.size} refill reminder version(s) were written by another consumer; the run is read again`,
      );
    }
    for (const [key, chain] of after) this.chains.put(key, chain);
  }

  /** A merge or an erasure rewrites a member's versions: read them afresh next time. */
  invalidateCachedChains(...memberIds: string[]): void {
    for (const memberId of memberIds) this.chains.invalidateMember(memberId);
  }

  /** Each therapy's chain: from memory, else its versions in the store (refunds always read). */
  private async chainsOf(
    keys: string[],
    purchases: readonly PurchaseRecordedPayload[],
  ): Promise<Map<string, RefillChain>> {
    const refunded = new Set(purchases.filter((p) => p.type === 'refund').map((p) => p.memberId));
    const found = new Map<string, RefillChain>();
    const toRead: string[] = [];
    for (const key of keys) {
      const known = this.chains.get(key);
      if (known && !refunded.has(RefillChainCache.split(key)[0])) found.set(key, known);
      else toRead.push(key);
    }
    for (let i = 0; i < toRead.length; i += READS_IN_FLIGHT)
      await Promise.all(
        toRead.slice(i, i + READS_IN_FLIGHT).map(async (key) => {
          const [memberId, therapy] = RefillChainCache.split(key);
          const versions = await this.reminders.versionsOf(memberId, therapy);
          found.set(key, RefillChainCache.fromVersions(versions));
        }),
      );
    return found;
  }

  private isOnFile(chain: RefillChain, memberId: string, therapy: string, sale: string): boolean {
    return chain.fills.has(`${memberId}:${therapy}:${sale}`);
  }

  private nextVersion(
    chain: RefillChain,
    memberId: string,
    therapy: string,
    { purchase, days }: Step,
  ): RefillReminderDocument | null {
    const { transactionId } = purchase;
    const fill = `${memberId}:${therapy}:${transactionId}`;
    if (chain.fills.has(fill)) return null; // applied before (a redelivery)
    const { head } = chain;
    const at = new Date(purchase.occurredAt);
    let next: Pick<RefillReminderDocument, 'supplyEndsAt' | 'status' | 'beforeSale'>;
    if (purchase.type === 'sale') {
      // A refund of this sale that came before it: only what is left of the sale is supply.
      const left = days - (chain.refundedEarly.get(transactionId) ?? 0);
      // A cancelled head has nothing left in hand to carry forward.
      const inHand = head?.status === 'cancelled' ? null : head;
      next =
        left > 0
          ? { supplyEndsAt: afterFill(inHand, at, left).supplyEndsAt, status: 'open' }
          : {
              supplyEndsAt: head?.supplyEndsAt ?? at,
              status: head?.status === 'open' ? 'open' : 'cancelled',
            };
    } else if (
      purchase.originalTransactionId &&
      !this.isOnFile(chain, memberId, therapy, purchase.originalTransactionId)
    ) {
      // The refund came before its sale (another partition, a redelivery): it moves nothing
      // now, and is kept so the sale, when it comes, supplies only what was not refunded.
      next = {
        supplyEndsAt: head?.supplyEndsAt ?? at,
        status: head?.status === 'open' ? 'open' : 'cancelled',
        beforeSale: true,
      };
    } else {
      if (!head) return null; // a refund of a supply we never saw: nothing to move
      const shortened = afterRefund(head, at, days);
      next = {
        supplyEndsAt: shortened.supplyEndsAt,
        status: shortened.exhausted ? 'cancelled' : 'open',
      };
    }
    const version = (head?.version ?? 0) + 1;
    return {
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
    };
  }
}

/** The chain after `next`: its head, its fills, and the early refunds still waiting for a sale. */
function extended(chain: RefillChain, next: RefillReminderDocument): RefillChain {
  const refundedEarly = new Map(chain.refundedEarly);
  if ((next.days ?? 0) > 0) refundedEarly.delete(next.transactionId);
  if (next.beforeSale && next.refundOf)
    refundedEarly.set(next.refundOf, (refundedEarly.get(next.refundOf) ?? 0) - (next.days ?? 0));
  return { head: next, fills: new Set(chain.fills).add(next.fill), refundedEarly };
}
