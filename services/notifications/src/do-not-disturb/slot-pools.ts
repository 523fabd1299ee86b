import { Injectable } from '@nestjs/common';
import { forEachConcurrently, insertManyOnce, insertOnce } from '@crm/messaging';
import type { CapSlotDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { capSlotId, freeSlotUses } from './marketing-cap';

/** One counted pool of a member's contacts: the marketing cap of a channel, or the contact budget. */
export interface SlotPool {
  memberId: string;
  /** The pool's name in the slot ids: a channel (`sms`), or `budget`. */
  pool: string;
  size: number;
  windowStart: Date;
  /** Refuse when no more than this many slots would be left free (the budget's clinical reserve). */
  keepFree?: number;
}

/** One message asking for a slot of one pool. */
export interface SlotRequest {
  pool: SlotPool;
  messageId: string;
}

/** Members whose slot uses are read at once (a batch's reads overlap; the store is not flooded). */
const READS_IN_FLIGHT = 8;

/**
 * Takes and gives back slots (see marketing-cap.ts: a slot use is an insert of its id, so the
 * pool is never exceeded, whatever the concurrency). Also shared by the contact budget.
 */
@Injectable()
export class SlotPools {
  constructor(private readonly store: MessagesRepository) {}

  /**
   * True when the message holds a slot of the pool: one it took before (a retried decision
   * takes no second), or a new one. Two deliveries of the same message deciding at once may
   * each insert a use; both then keep the smaller id and give the other back, so the message
   * ends up holding one. Meanwhile a third message may see the pool one fuller than it is and
   * be refused: the race errs towards contacting the member less, never more.
   */
  async take(pool: SlotPool, messageId: string, now: Date): Promise<boolean> {
    const mine = { messageId, memberId: pool.memberId, channel: pool.pool };
    if (await this.store.capSlots.findOne(mine)) return true;
    // Each lost race means another message took a use; there are at most 2 × size of them.
    for (let round = 0; round <= pool.size * 2; round++) {
      const uses = await this.store.capSlots
        .find({ memberId: pool.memberId, channel: pool.pool })
        .toArray();
      const next = nextUse(uses, pool, messageId, now);
      if (!next) return false;
      if (await insertOnce(() => this.store.capSlots.insertOne(next))) {
        await this.keepOne(mine);
        return true;
      }
    }
    return false;
  }

  /**
   * `take` for a batch (a campaign page), with the same outcome for each request: every
   * member's uses read once, the new uses inserted in one unordered insert, then read again to
   * keep one slot per message and pool (as `take` does after its insert). A request whose use
   * another message took meanwhile goes through `take` alone. Answers in the order asked.
   */
  async takeMany(requests: readonly SlotRequest[], now: Date): Promise<boolean[]> {
    if (requests.length === 0) return [];
    const usesOf = await this.usesOf(requests.map((r) => r.pool.memberId));
    const answers: boolean[] = [];
    const planned: { doc: CapSlotDocument; request: number }[] = [];
    requests.forEach(({ pool, messageId }, i) => {
      const uses = usesOf.get(pool.memberId)!;
      const inPool = uses.filter((use) => use.channel === pool.pool);
      if (inPool.some((use) => use.messageId === messageId)) return void (answers[i] = true);
      const doc = nextUse(inPool, pool, messageId, now);
      if (!doc) return void (answers[i] = false);
      uses.push(doc); // a later request of the batch for the same member sees it taken
      planned.push({ doc, request: i });
      answers[i] = true;
    });
    if (planned.length === 0) return answers;
    const lost = await insertManyOnce(() =>
      this.store.capSlots.insertMany(
        planned.map((p) => p.doc),
        { ordered: false },
      ),
    );
    for (const k of lost) {
      const i = planned[k]!.request;
      answers[i] = await this.take(requests[i]!.pool, requests[i]!.messageId, now);
    }
    const won = planned.filter((_p, k) => !lost.has(k));
    await this.keepOneEach(won.map((p) => p.doc));
    return answers;
  }

  /**
   * A merge: the duplicate's slot uses still in their window count for the survivor from now
   * on. Each is taken again in the survivor's pool under its message id and time (a free slot;
   * none free means the survivor's allowance is spent already, and stays so), oldest first,
   * then the duplicate's are deleted. Redelivered, or resumed after a crash, it takes nothing
   * twice: a message's use is found by its id first.
   */
  async moveTo(
    duplicateId: string,
    survivorId: string,
    shapeOf: (pool: string) => Pick<SlotPool, 'size' | 'windowStart'>,
  ): Promise<void> {
    const uses = await this.store.capSlots.find({ memberId: duplicateId }).toArray();
    const inWindow = uses
      .filter((use) => use.takenAt.getTime() > shapeOf(use.channel).windowStart.getTime())
      .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
    for (const use of inWindow)
      await this.take(
        { memberId: survivorId, pool: use.channel, ...shapeOf(use.channel) },
        use.messageId,
        use.takenAt,
      );
    await this.store.capSlots.deleteMany({ memberId: duplicateId });
  }

  /** Gives back every slot a message holds (it was refused elsewhere, or finally failed). */
  async release(messageId: string, pool?: string): Promise<number> {
    const result = await this.store.capSlots.deleteMany({
      messageId,
      ...(pool ? { channel: pool } : {}),
    });
    return result.deletedCount ?? 0;
  }

  /** Each member's slot uses in every pool, one read per member. */
  private async usesOf(memberIds: string[]): Promise<Map<string, CapSlotDocument[]>> {
    const uses = new Map<string, CapSlotDocument[]>();
    await forEachConcurrently([...new Set(memberIds)], READS_IN_FLIGHT, async (memberId) => {
      uses.set(memberId, await this.store.capSlots.find({ memberId }).toArray());
    });
    return uses;
  }

  /** keepOne for the messages of a batch of inserted uses. */
  private async keepOneEach(inserted: CapSlotDocument[]): Promise<void> {
    if (inserted.length === 0) return;
    const ours = new Set(inserted.map((doc) => `${doc.messageId}:${doc.channel}`));
    const held = new Map<string, string[]>();
    for (const uses of (await this.usesOf(inserted.map((doc) => doc.memberId))).values())
      for (const use of uses) {
        const key = `${use.messageId}:${use.channel}`;
        if (ours.has(key)) held.set(key, [...(held.get(key) ?? []), use._id]);
      }
    const extra = [...held.values()].flatMap((ids) => ids.sort().slice(1));
    if (extra.length > 0) await this.store.capSlots.deleteMany({ _id: { $in: extra } });
  }

  private async keepOne(mine: { messageId: string; memberId: string; channel: string }) {
    const held = await this.store.capSlots.find(mine).toArray();
    if (held.length < 2) return;
    const keep = held.map((slot) => slot._id).sort()[0];
    await this.store.capSlots.deleteMany({ ...mine, _id: { $ne: keep } });
  }
}

/** The use a message would take next in a pool, or null when the pool (less keepFree) is spent. */
function nextUse(
  uses: readonly CapSlotDocument[],
  pool: SlotPool,
  messageId: string,
  now: Date,
): CapSlotDocument | null {
  const free = freeSlotUses(uses, pool.size, pool.windowStart);
  const next = free[0];
  if (!next || free.length <= (pool.keepFree ?? 0)) return null;
  return {
    _id: capSlotId(pool.memberId, pool.pool, next.slot, next.use),
    memberId: pool.memberId,
    channel: pool.pool,
    slot: next.slot,
    use: next.use,
    takenAt: now,
    messageId,
  };
}
