import type { MessagesRepository } from '../messages/messages.repository';
import type { CapSlotDocument } from '../messages/message.document';
import { capSlotId, yearBefore } from './marketing-cap';
import { SlotPools } from './slot-pools';

type Filter = Partial<Record<keyof CapSlotDocument, unknown>>;

/**
 * The cap-slot collection as the store behaves: an insert of a taken id fails with 11000, and
 * every call yields to the event loop first, so concurrent takers interleave as they would
 * against a real store.
 */
function fakeStore() {
  const docs = new Map<string, CapSlotDocument>();
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const matches = (doc: CapSlotDocument, filter: Filter) =>
    Object.entries(filter).every(([key, want]) => {
      const have = doc[key as keyof CapSlotDocument];
      if (want && typeof want === 'object' && '$ne' in want) return have !== want.$ne;
      return have === want;
    });
  const capSlots = {
    async findOne(filter: Filter) {
      await tick();
      return [...docs.values()].find((d) => matches(d, filter)) ?? null;
    },
    find(filter: Filter) {
      return {
        toArray: async () => {
          await tick();
          return [...docs.values()].filter((d) => matches(d, filter));
        },
      };
    },
    async insertOne(doc: CapSlotDocument) {
      await tick();
      if (docs.has(doc._id)) throw Object.assign(new Error('duplicate key'), { code: 11000 });
      docs.set(doc._id, doc);
    },
    // Unordered, one document at a time: two batches racing may each win some of their ids.
    async insertMany(batch: CapSlotDocument[]) {
      const writeErrors: { index: number; code: number }[] = [];
      for (const [index, doc] of batch.entries()) {
        await tick();
        if (docs.has(doc._id)) writeErrors.push({ index, code: 11000 });
        else docs.set(doc._id, doc);
      }
      if (writeErrors.length > 0)
        throw Object.assign(new Error('duplicate key'), { code: 11000, writeErrors });
    },
    async deleteOne(filter: Filter) {
      await tick();
      const found = [...docs.values()].find((d) => matches(d, filter));
      if (found) docs.delete(found._id);
      return { deletedCount: found ? 1 : 0 };
    },
    async deleteMany(filter: Filter) {
      await tick();
      let deletedCount = 0;
      for (const doc of [...docs.values()])
        if (matches(doc, filter)) {
          docs.delete(doc._id);
          deletedCount++;
        }
      return { deletedCount };
    },
  };
  return { docs, store: { capSlots } as unknown as MessagesRepository };
}

/** `insert`, the first call of which runs `first` before it (another replica's write in between). */
function once<T extends (...args: never[]) => unknown>(insert: T, first: () => void): T {
  let done = false;
  return ((...args: Parameters<T>) => {
    if (!done) first();
    done = true;
    return insert(...args);
  }) as T;
}

const now = new Date('2026-11-22T10:00:00Z');
const pool = (size: number) => ({
  memberId: 'm1',
  pool: 'sms',
  size,
  windowStart: yearBefore(now),
});

describe('slot pools under concurrency', () => {
  it('never hands out more slots than the pool has, to many messages at once', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, i) => pools.take(pool(4), `msg-${i}`, now)),
    );
    expect(taken.filter(Boolean)).toHaveLength(4);
    expect(docs.size).toBe(4);
    expect(new Set([...docs.values()].map((d) => d.messageId)).size).toBe(4);
  });

  it('leaves one slot with a message whose deliveries decide at the same time', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    const taken = await Promise.all([1, 2, 3].map(() => pools.take(pool(4), 'msg-same', now)));
    expect(taken).toEqual([true, true, true]);
    expect([...docs.values()].filter((d) => d.messageId === 'msg-same')).toHaveLength(1);
    // The slots given back are free again: three more messages fit.
    for (const i of [1, 2, 3]) expect(await pools.take(pool(4), `msg-${i}`, now)).toBe(true);
    expect(await pools.take(pool(4), 'msg-5', now)).toBe(false);
  });

  it('keeps the reserve free, and gives a failed message’s slot back', async () => {
    const { store } = fakeStore();
    const pools = new SlotPools(store);
    const reserved = { ...pool(3), keepFree: 1 };
    expect(await pools.take(reserved, 'a', now)).toBe(true);
    expect(await pools.take(reserved, 'b', now)).toBe(true);
    expect(await pools.take(reserved, 'c', now)).toBe(false); // the last one is kept
    expect(await pools.take(pool(3), 'clinical', now)).toBe(true); // no reserve for it
    expect(await pools.release('a')).toBe(1);
    expect(await pools.release('a')).toBe(0);
    expect(await pools.take(reserved, 'c', now)).toBe(false); // 1 free: still the reserve
    expect(await pools.take(pool(3), 'd', now)).toBe(true);
  });
});

describe('slots for a batch of messages', () => {
  const budget = (size: number, extra: object = {}) => ({
    ...pool(size),
    pool: 'budget',
    ...extra,
  });

  it('takes each message its slot in every pool it names, or none, within a batch', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    const grants = await pools.takeAll(
      ['a', 'b', 'c'].map((messageId) => ({ messageId, pools: [pool(2), budget(5)] })),
      now,
    );
    expect(grants).toEqual([
      { held: true },
      { held: true },
      { held: false, refusedBy: 'sms', holdsUses: false },
    ]);
    // c was refused by the cap, so it took no budget slot either.
    expect([...docs.values()].map((d) => `${d.messageId}:${d.channel}`).sort()).toEqual([
      'a:budget',
      'a:sms',
      'b:budget',
      'b:sms',
    ]);
  });

  it('lets a message go without a use when its pool goes when full, and refuses otherwise', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    await pools.takeAll([{ messageId: 'm', pools: [budget(1, { keepFree: 0 })] }], now);
    const [clinical, marketing] = await pools.takeAll(
      [
        { messageId: 'clinical', pools: [budget(1, { goesWhenFull: true })] },
        { messageId: 'marketing', pools: [budget(1)] },
      ],
      now,
    );
    expect(clinical).toEqual({ held: true });
    expect(marketing).toEqual({ held: false, refusedBy: 'budget', holdsUses: false });
    expect(docs.size).toBe(1);
  });

  it('takes no second use for a message decided again, and says so when it is refused', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    await pools.takeAll([{ messageId: 'again', pools: [pool(3)] }], now);
    expect(await pools.takeAll([{ messageId: 'again', pools: [pool(3)] }], now)).toEqual([
      { held: true },
    ]);
    expect(docs.size).toBe(1);
    // Held from before in the cap, refused by a spent budget now: the use must go back.
    await pools.takeAll([{ messageId: 'other', pools: [budget(1)] }], now);
    expect(await pools.takeAll([{ messageId: 'again', pools: [pool(3), budget(1)] }], now)).toEqual(
      [{ held: false, refusedBy: 'budget', holdsUses: true }],
    );
  });

  it('gives back every use of a message refused after its batch insert won it some', async () => {
    // Between the batch's read and its insert another message takes the last cap slot: the
    // insert wins the budget use and loses the cap use, and the message is refused by the cap.
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    store.capSlots.insertMany = once(store.capSlots.insertMany, () =>
      docs.set(capSlotId('m1', 'sms', 1, 1), {
        _id: capSlotId('m1', 'sms', 1, 1),
        memberId: 'm1',
        channel: 'sms',
        slot: 1,
        use: 1,
        takenAt: now,
        messageId: 'rival',
      }),
    );
    const [grant] = await pools.takeAll(
      [{ messageId: 'late', pools: [pool(1), budget(7, { keepFree: 2 })] }],
      now,
    );
    expect(grant).toEqual({ held: false, refusedBy: 'sms', holdsUses: true });
    expect([...docs.values()].map((d) => `${d.messageId}:${d.channel}`).sort()).toEqual([
      'late:budget',
      'rival:sms',
    ]);
    // The refusal stands (the message is inserted as skipped): its uses go back.
    await pools.release('late');
    expect([...docs.values()].map((d) => d.messageId)).toEqual(['rival']);
  });

  it('never exceeds a pool when batches and single takes race, and settles a lost decision', async () => {
    const { docs, store } = fakeStore();
    const pools = new SlotPools(store);
    const batches = [0, 1, 2].map((b) =>
      pools.takeAll(
        Array.from({ length: 4 }, (_, i) => ({ messageId: `b${b}-${i}`, pools: [pool(4)] })),
        now,
      ),
    );
    const singles = [0, 1].map((i) => pools.take(pool(4), `s${i}`, now));
    const held = [
      ...(await Promise.all(batches)).flat().map((g) => g.held),
      ...(await Promise.all(singles)),
    ];
    expect(held.filter(Boolean)).toHaveLength(4);
    expect(docs.size).toBe(4);

    // Two decisions of one message each took a use; the one whose insert lost settles.
    const { docs: docs2, store: store2 } = fakeStore();
    const twice = new SlotPools(store2);
    await Promise.all([
      twice.takeAll([{ messageId: 'x', pools: [pool(4)] }], now),
      twice.takeAll([{ messageId: 'x', pools: [pool(4)] }], now),
    ]);
    await twice.settleLost('x', true);
    expect([...docs2.values()].filter((d) => d.messageId === 'x')).toHaveLength(1);
    await twice.settleLost('x', false);
    expect(docs2.size).toBe(0);
  });
});
