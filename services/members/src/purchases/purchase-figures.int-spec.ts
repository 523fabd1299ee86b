/**
 * The POS figures path against the real MongoDB-wire server and Kafka: run tallies recorded
 * once through redeliveries, folded once through a crash mid-window, and a merged member's
 * later tallies counted on the survivor; a registration heard again counts only the sales
 * it linked.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { Producer } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { testKafka } from '@crm/testing';
import type { MemberDocument } from '../members/member.document';
import { MemberRepository } from '../members/member.repository';
import type { MembersOutbox } from '../events/members-outbox';
import { FoldPurchaseFigures } from './fold-purchase-figures';
import { LinkEarlierPurchases } from './link-earlier-purchases.handler';
import { PurchaseRepository } from './purchase.repository';
import type { PurchaseDocument } from './purchase.document';
import { monthKey, tallyByMember } from './purchase-stats';
import { PurchaseTallyRepository, type RunTally } from './purchase-tallies.repository';

const m1 = new mongoose.Types.ObjectId();
const m2 = new mongoose.Types.ObjectId();
const at = new Date('2026-11-20T04:00:00Z');
const month = monthKey(at);

/** Sales at offsets `from..to`, even offsets bought by m1 and odd ones by m2, 100 + offset cents. */
function sales(from: number, to: number): PurchaseDocument[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const offset = from + i;
    return {
      _id: `T${offset}`,
      type: 'sale',
      originalTransactionId: null,
      storeId: 'S001',
      region: 'east',
      occurredAt: at,
      memberId: String(offset % 2 === 0 ? m1 : m2),
      phoneIndex: null,
      items: [
        { sku: 'a', name: 'A', category: 'vitamins', rx: false, quantity: 1, unitPriceCents: 1 },
      ],
      totalCents: 100 + offset,
      cashierId: null,
      recordedAt: at,
      pos: { partition: 0, offset },
    };
  });
}

function tallyAfter(docs: PurchaseDocument[]) {
  return (after: number): RunTally['members'] =>
    tallyByMember(docs.filter((d) => d.pos!.offset > after));
}

/** What offsets `from..to` should add up to for each member. */
function expected(from: number, to: number) {
  const want = new Map<string, { count: number; spendCents: number }>();
  for (const doc of sales(from, to)) {
    const e = want.get(doc.memberId!) ?? { count: 0, spendCents: 0 };
    want.set(doc.memberId!, { count: e.count + 1, spendCents: e.spendCents + doc.totalCents });
  }
  return want;
}

describe('POS figures: run tallies and their fold', () => {
  let connection: mongoose.Connection;
  let members: MemberRepository;
  let tallies: PurchaseTallyRepository;
  let fold: FoldPurchaseFigures;
  let producer: Producer;

  const figures = async (id: mongoose.Types.ObjectId) => {
    const doc = await members.collection.findOne({ _id: id } as never);
    return doc?.stats?.months?.[month] ?? {};
  };

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_figures_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    members = new MemberRepository(connection);
    tallies = new PurchaseTallyRepository(connection);
    producer = testKafka().producer();
    await producer.connect();
    fold = new FoldPurchaseFigures(
      tallies,
      members,
      producer,
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
    await members.collection.insertMany([
      { _id: m1, name: 'one' } as unknown as MemberDocument,
      { _id: m2, name: 'two' } as unknown as MemberDocument,
    ]);
  });

  afterAll(async () => {
    await producer.disconnect();
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('records a run once, and of a longer redelivery only the part not yet recorded', async () => {
    expect(await tallies.record(0, 9, tallyAfter(sales(0, 9)))).toEqual({ from: 0, to: 9 });
    // A crash after the tally was stored but before the partition's mark moved.
    await tallies.recorded.updateOne({ _id: 'p0' }, { $set: { recordedThrough: -1 } });
    // Redelivered, with five more messages fetched into the same run.
    expect(await tallies.record(0, 14, tallyAfter(sales(0, 14)))).toEqual({ from: 10, to: 14 });
    expect(await tallies.record(0, 14, tallyAfter(sales(0, 14)))).toBeNull();

    const stored = await tallies.tallies.find({}).sort({ from: 1 }).toArray();
    expect(stored.map(({ _id, from, to }) => ({ _id, from, to }))).toEqual([
      { _id: 'p0/0', from: 0, to: 9 },
      { _id: 'p0/10', from: 10, to: 14 },
    ]);
    const counted = stored.flatMap((t) => t.members).map((m) => m.tally.months[month]!.count);
    expect(counted.reduce((a, b) => a! + b!, 0)).toBe(15);
  });

  it('folds each tally into its member once, also when a window is redone after a crash', async () => {
    expect(await fold.foldOnce()).toBe(2);
    const want = expected(0, 14);
    expect(await figures(m1)).toEqual(want.get(String(m1)));
    expect(await figures(m2)).toEqual(want.get(String(m2)));

    // The next run's window is opened and m1 counted, then the process dies.
    await tallies.record(0, 19, tallyAfter(sales(15, 19)));
    const [state] = await tallies.allStates();
    const window = await tallies.openWindow(0, { to: 19, tallyIds: ['p0/15'] });
    const [run] = await tallies.byIds(window!.tallyIds);
    const ofM1 = run!.members.find((m) => m.memberId === String(m1))!;
    await members.countTally(ofM1.memberId, 0, window!.to, ofM1.tally);
    expect(state!.foldedThrough).toBe(14);
    expect(state!.window).toBeNull();

    // After the restart the same window is redone: m1 is skipped, m2 counted.
    expect(await fold.foldOnce()).toBe(2);
    expect(await fold.foldOnce()).toBe(0);
    const after = expected(0, 19);
    expect(await figures(m1)).toEqual(after.get(String(m1)));
    expect(await figures(m2)).toEqual(after.get(String(m2)));
    expect(await tallies.tallies.countDocuments({})).toBe(0);
  });

  it('folds a run only once its mark moved, so a redelivery cannot record it again', async () => {
    const [one, two] = [await figures(m1), await figures(m2)];
    // A run's tally is stored, and the process dies before the partition's mark moves.
    await tallies.tallies.insertOne({
      _id: 'p0/20',
      partition: 0,
      from: 20,
      to: 23,
      members: tallyAfter(sales(20, 23))(19),
      recordedAt: new Date(),
    });
    expect(await fold.foldOnce()).toBe(0);
    // Redelivered with more messages: the stored part stands, the rest is a new tally.
    expect(await tallies.record(0, 27, tallyAfter(sales(20, 27)))).toEqual({ from: 24, to: 27 });
    expect(await fold.foldOnce()).toBe(2);
    const added = expected(20, 27);
    expect(await figures(m1)).toEqual({
      count: one.count! + added.get(String(m1))!.count,
      spendCents: one.spendCents! + added.get(String(m1))!.spendCents,
    });
    expect(await figures(m2)).toEqual({
      count: two.count! + added.get(String(m2))!.count,
      spendCents: two.spendCents! + added.get(String(m2))!.spendCents,
    });
  });

  it('counts a merged member’s later sales on the survivor, once', async () => {
    const before = await figures(m1);
    // m2 is merged into m1 (its figures moved by the merge, its marks kept), then a run with
    // sales of both arrives.
    await members.collection.updateOne({ _id: m2 } as never, {
      $set: { mergedInto: String(m1), countedThroughAtMerge: { p0: 27 } },
      $unset: { stats: '' },
    });
    await tallies.record(0, 29, tallyAfter(sales(28, 29)));
    await fold.foldOnce();
    // A redone window must not count m2's part on the survivor again.
    const ofM2 = tallyAfter(sales(28, 29))(27).find((m) => m.memberId === String(m2))!;
    await members.countTally(ofM2.memberId, 0, 29, ofM2.tally);

    expect(await figures(m1)).toEqual({
      count: before.count! + 2,
      spendCents: before.spendCents! + 128 + 129,
    });
    expect(await figures(m2)).toEqual({});
  });

  it('counts at registration only the sales it linked, however often the registration is heard', async () => {
    const purchases = new PurchaseRepository(connection);
    // The registration's link step only nudges the relay; the queued event is not under test.
    const link = new LinkEarlierPurchases(purchases, members, {
      nudge: () => undefined,
    } as unknown as MembersOutbox);
    await members.collection.updateOne({ _id: m1 } as never, { $set: { phoneIndex: 'IDX-m1' } });
    const [tilled, unknown] = sales(30, 31).map((doc) => ({ ...doc, phoneIndex: 'IDX-m1' }));
    // Matched to m1 at the till, so counted by the fold; bought before m1 registered.
    await purchases.collection.insertMany([tilled!, { ...unknown!, memberId: null }]);
    await tallies.record(0, 31, tallyAfter([tilled!]));
    await fold.foldOnce();
    const before = await figures(m1);

    // member.registered redelivered after a crash: the link step runs twice.
    await link.execute(String(m1));
    await link.execute(String(m1));

    expect(await figures(m1)).toEqual({
      count: before.count! + 1,
      spendCents: before.spendCents! + unknown!.totalCents,
    });
    expect((await purchases.collection.findOne({ _id: unknown!._id }))?.memberId).toBe(String(m1));
  });
});
