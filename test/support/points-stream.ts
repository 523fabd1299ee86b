/**
 * A stream of sales and partial refunds for the loyalty fault tests, with every member's
 * balance and tier spend worked out here, independently of the loyalty service, from what is
 * sent; and the check that the ledger settled on exactly those figures.
 */
import { Topics } from '@crm/contracts';
import { testKafka } from '@crm/testing';
import { posRefund, posTransaction, type PosItem } from './pos-messages';
import { uniquePhone, until, type TestSystem } from './system';

export interface PointsStream {
  members: { id: string; phone: string }[];
  messages: { key: string; value: string }[];
  sales: number;
  refunds: number;
  expected: Map<string, number>;
  expectedSpend: Map<string, number>;
}

export interface LedgerReport {
  wrong: number;
  notSumOfEntries: number;
  wrongSpend: number;
}

/** A prescription line on every sale: it earns nothing, its spend counts for the tier. */
const STATIN: PosItem = {
  sku: 'RX',
  name: 'Statin',
  category: 'cardio',
  rx: true,
  quantity: 1,
  unitPriceCents: 4200,
};

/**
 * `sales` sales over `memberCount` new members, 10 % of them delivered twice, and one unit of
 * every 15th sale refunded.
 */
export async function pointsStream(
  system: TestSystem,
  memberCount: number,
  sales: number,
): Promise<PointsStream> {
  const members: { id: string; phone: string }[] = [];
  for (let i = 0; i < memberCount; i++)
    members.push(
      await system.registerMember({
        name: `积分${i}`,
        phone: uniquePhone('135'),
        channel: 'online',
      }),
    );

  const expected = new Map<string, number>();
  const add = (id: string, points: number) => expected.set(id, (expected.get(id) ?? 0) + points);
  const expectedSpend = new Map<string, number>();
  // Tiers, stated here independently: ¥2,000 in 12 months earns ×1.2 from the next sale on,
  // ¥8,000 ×1.5, raised the moment the spend reaches it (even if a refund takes the spend back
  // below), never lowered; a member's messages are applied in the order they are sent.
  const heldMultiplier = new Map<string, number>();
  const spend = (id: string, cents: number) => {
    const spent = (expectedSpend.get(id) ?? 0) + cents;
    expectedSpend.set(id, spent);
    const reached = spent >= 800_000 ? 1.5 : spent >= 200_000 ? 1.2 : 1;
    heldMultiplier.set(id, Math.max(heldMultiplier.get(id) ?? 1, reached));
  };
  const tierMultiplier = (id: string) => heldMultiplier.get(id) ?? 1;
  const messages: { key: string; value: string }[] = [];
  let refunds = 0;
  for (let i = 0; i < sales; i++) {
    const buyer = members[i % memberCount]!;
    const quantity = 1 + (i % 3);
    const unitPriceCents = 990 + (i % 50) * 37;
    // Every 10th sale on the member day (the 8th, China time): double points.
    const occurredAt = i % 10 === 0 ? '2026-11-08T12:00:00+08:00' : '2026-11-20T12:00:00+08:00';
    const multiplier = i % 10 === 0 ? 2 : 1;
    const earned = Math.floor(
      (unitPriceCents * quantity * (multiplier * tierMultiplier(buyer.id))) / 100,
    );
    const transactionId = `LF-${system.runId}-${i}`;
    const vitamins: PosItem = {
      sku: 'VIT',
      name: 'Vitamin C',
      category: 'vitamins',
      rx: false,
      quantity,
      unitPriceCents,
    };
    const sale = posTransaction(buyer.phone, transactionId, [vitamins, STATIN], { occurredAt });
    messages.push(sale);
    add(buyer.id, earned);
    spend(buyer.id, unitPriceCents * quantity + 4200);
    if (i % 10 === 3) messages.push(sale); // delivered twice
    if (i % 15 === 7) {
      // One unit refunded: its share of what the line earned.
      refunds++;
      messages.push(
        posRefund(
          buyer.phone,
          `${transactionId}-R`,
          transactionId,
          [{ ...vitamins, quantity: 1 }],
          {
            occurredAt: '2026-11-21T12:00:00+08:00',
          },
        ),
      );
      add(buyer.id, -Math.floor(earned / quantity));
      spend(buyer.id, -unitPriceCents);
    }
  }
  return { members, messages, sales, refunds, expected, expectedSpend };
}

/** Sends messages to the POS topic, 500 at a time. */
export async function sendToPos(messages: { key: string; value: string }[]): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic: Topics.posTransactions, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Waits until every entry of the stream is posted and applied, then compares each member's
 * balance with the expectation and with the sum of their entries, and their tier spend.
 */
export async function settledLedger(
  system: TestSystem,
  stream: PointsStream,
): Promise<LedgerReport> {
  const ledger = system.mongo.db(system.dbOf('loyalty'));
  const entries = ledger.collection('points_entries');
  await until(
    'every entry posted and applied',
    async () =>
      (await entries.countDocuments()) === stream.sales + stream.refunds &&
      (await entries.countDocuments({ pending: true })) === 0 &&
      // Purchases are posted in runs: applied once no run is left open.
      (await ledger.collection('points_runs').countDocuments({ state: 'open' })) === 0,
    300000,
    500,
  );
  // Settled: no entry of any member still on its way into a balance.
  const accounts = await until('no entry in flight', async () => {
    const all = await ledger.collection('points_accounts').find({}).toArray();
    return all.every((a) => (a.inFlight ?? []).length === 0) && all;
  });
  const sums = new Map<string, number>();
  for (const entry of await entries.find({}).toArray())
    sums.set(entry.memberId, (sums.get(entry.memberId) ?? 0) + entry.points);
  // Tier spend is counted by the same handler after the points: it must settle exactly too.
  const tierSpend = async (id: string) => {
    const doc = await ledger.collection('member_tiers').findOne({ _id: id as never });
    return Object.values((doc?.months ?? {}) as Record<string, { cents: number }>).reduce(
      (sum, month) => sum + month.cents,
      0,
    );
  };
  await until('every member’s tier spend', async () => {
    for (const { id } of stream.members)
      if ((await tierSpend(id)) < stream.expectedSpend.get(id)!) return false;
    return true;
  });
  const report: LedgerReport = { wrong: 0, notSumOfEntries: 0, wrongSpend: 0 };
  for (const { id } of stream.members) {
    const account = accounts.find((a) => String(a._id) === id);
    if (account?.balance !== stream.expected.get(id)) report.wrong++;
    if (account?.balance !== sums.get(id)) report.notSumOfEntries++;
    if ((await tierSpend(id)) !== stream.expectedSpend.get(id)) report.wrongSpend++;
  }
  return report;
}
