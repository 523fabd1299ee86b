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
  /** A spent pool lets the message go without a use (the budget, for clinical and service messages). */
  goesWhenFull?: boolean;
}

/** One message asking for a slot in each of its pools: all of them, or none. */
export interface SlotAsk {
  messageId: string;
  pools: SlotPool[];
}

/**
 * A message holds its slots, or one pool refused it. `holdsUses`: refused, it still holds uses
 * (an earlier decision's, or ones this decision won before a pool refused it), which must go
 * back once the refusal stands.
 */
export type SlotGrant = { held: true } | { held: false; refusedBy: string; holdsUses: boolean };

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
   * Slots for a batch of messages (a campaign page), each in every pool it names or in none:
   * every member's uses read once, the new uses inserted in one unordered insert. A message
   * already holding a use in a pool (an earlier decision of it) takes no second one there. A
   * message one of whose new uses another message took meanwhile goes through `take`, pool by
   * pool, keeping the uses its insert did win. Answers in the order asked.
   *
   * No uses are read back: the caller inserts each decided message under its id afterwards, and
   * that insert settles which of two concurrent decisions of one message stands; the other gives
   * its uses back (`settleLost`).
   */
  async takeAll(asks: readonly SlotAsk[], now: Date): Promise<SlotGrant[]> {
    if (asks.length === 0) return [];
    const usesOf = await this.usesOf(asks.flatMap((ask) => ask.pools.map((p) => p.memberId)));
    const planned: { doc: CapSlotDocument; ask: number }[] = [];
    const grants = asks.map((ask, i): SlotGrant => {
      const plan = planAsk(ask, usesOf, now);
      if (!plan.held) return plan;
      for (const doc of plan.uses) {
        usesOf.get(doc.memberId)!.push(doc); // a later ask of the batch sees it taken
        planned.push({ doc, ask: i });
      }
      return { held: true };
    });
    if (planned.length === 0) return grants;
    const lost = await insertManyOnce(() =>
      this.store.capSlots.insertMany(
        planned.map((p) => p.doc),
        { ordered: false },
      ),
    );
    const again = new Set([...lost].map((k) => planned[k]!.ask));
    for (const i of again) grants[i] = await this.takeEach(asks[i]!, now);
    return grants;
  }

  /**
   * After a message's insert found it decided already (a concurrent or earlier decision): the
   * uses this decision took are settled against the one that stands. A message that stands
   * cleared keeps one use per pool; one that stands refused keeps none.
   */
  async settleLost(messageId: string, standsCleared: boolean): Promise<void> {
    if (!standsCleared) {
      await this.release(messageId);
      return;
    }
    const held = await this.store.capSlots.find({ messageId }).toArray();
    const kept = new Map<string, string>(); // pool → the smallest use id, the one both keep
    for (const use of held)
      if (!kept.has(use.channel) || use._id < kept.get(use.channel)!)
        kept.set(use.channel, use._id);
    const extra = held.filter((use) => kept.get(use.channel) !== use._id).map((use) => use._id);
    for (const id of extra) await this.store.capSlots.deleteOne({ _id: id });
  }

  /**
   * takeAll for one ask, pool by pool through `take` (which finds a use the message holds
   * already). A refusal says it holds uses whenever it may: the batch insert can have won the
   * message a use in a pool after the one refusing it.
   */
  private async takeEach(ask: SlotAsk, now: Date): Promise<SlotGrant> {
    for (const pool of ask.pools)
      if (!(await this.take(pool, ask.messageId, now)) && !pool.goesWhenFull)
        return { held: false, refusedBy: pool.pool, holdsUses: true };
    return { held: true };
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

  private async keepOne(mine: { messageId: string; memberId: string; channel: string }) {
    const held = await this.store.capSlots.find(mine).toArray();
    if (held.length < 2) return;
    const keep = held.map((slot) => slot._id).sort()[0];
    await this.store.capSlots.deleteMany({ ...mine, _id: { $ne: keep } });
  }
}

/** One ask against the uses read: the new uses it would insert, or the pool that refuses it. */
function planAsk(
  ask: SlotAsk,
  usesOf: ReadonlyMap<string, CapSlotDocument[]>,
  now: Date,
): { held: true; uses: CapSlotDocument[] } | Extract<SlotGrant, { held: false }> {
  const uses: CapSlotDocument[] = [];
  let holdsUses = false;
  for (const pool of ask.pools) {
    const inPool = usesOf.get(pool.memberId)!.filter((use) => use.channel === pool.pool);
    if (inPool.some((use) => use.messageId === ask.messageId)) {
      holdsUses = true;
      continue;
    }
    const next = nextUse(inPool, pool, ask.messageId, now);
    if (next) uses.push(next);
    else if (!pool.goesWhenFull) return { held: false, refusedBy: pool.pool, holdsUses };
  }
  return { held: true, uses };
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
