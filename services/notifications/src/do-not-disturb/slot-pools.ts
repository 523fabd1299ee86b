import { Injectable } from '@nestjs/common';
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
    const keepFree = pool.keepFree ?? 0;
    // Each lost race means another message took a use; there are at most 2 × size of them.
    for (let round = 0; round <= pool.size * 2; round++) {
      const uses = await this.store.capSlots
        .find({ memberId: pool.memberId, channel: pool.pool })
        .toArray();
      const free = freeSlotUses(uses, pool.size, pool.windowStart);
      const next = free[0];
      if (!next || free.length <= keepFree) return false;
      const taken = await this.store.capSlots
        .insertOne({
          _id: capSlotId(pool.memberId, pool.pool, next.slot, next.use),
          memberId: pool.memberId,
          channel: pool.pool,
          slot: next.slot,
          use: next.use,
          takenAt: now,
          messageId,
        })
        .then(
          () => true,
          (error: { code?: number }) => {
            if (error?.code === 11000) return false;
            throw error;
          },
        );
      if (taken) {
        await this.keepOne(mine);
        return true;
      }
    }
    return false;
  }

  /** Gives back every slot a message holds (it was refused elsewhere, or finally failed). */
  async release(messageId: string, pool?: string): Promise<number> {
    const result = await this.store.capSlots.deleteMany({
      messageId,
      ...(pool ? { channel: pool } : {}),
    });
    return result.deletedCount ?? 0;
  }

  private async keepOne(mine: { messageId: string; memberId: string; channel: string }) {
    const held = await this.store.capSlots.find(mine).toArray();
    if (held.length < 2) return;
    const keep = held.map((slot) => slot._id).sort()[0];
    await this.store.capSlots.deleteMany({ ...mine, _id: { $ne: keep } });
  }
}
