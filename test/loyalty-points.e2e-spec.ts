/**
 * Points end to end: a POS sale on pos.transactions.v1 → members (purchase.recorded) →
 * loyalty's ledger → `GET /api/v1/members/{id}/points` through the gateway. A sale delivered
 * twice earns once; a partial refund takes back the refunded units' share; the points events
 * reach loyalty.events.v1.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@crm/contracts';
import { testKafka } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'gateway']);
});

afterAll(async () => {
  await system?.stop();
});

function posMessage(phone: string, transaction: Record<string, unknown>) {
  return {
    key: phone,
    value: JSON.stringify({
      storeId: 'S001',
      region: 'east',
      member: { memberId: null, phone },
      cashierId: 'E042',
      originalTransactionId: null,
      ...transaction,
    }),
  };
}

it('earns points on a sale once, takes back a refunded unit’s share, and announces both', async () => {
  const phone = uniquePhone('136');
  const member = await system.api('POST', '/api/v1/members', {
    name: '积分',
    phone,
    channel: 'store',
    homeStoreId: 'S001',
  });
  expect(member.status).toBe(201);
  const id = member.body.id as string;

  const saleId = `PTS-${randomUUID().slice(0, 8)}`;
  // Not a member day (the 8th); the prescription line earns nothing by default.
  const sale = posMessage(phone, {
    transactionId: saleId,
    type: 'sale',
    occurredAt: '2026-11-20T10:15:00+08:00',
    items: [
      {
        sku: '690000000001',
        name: 'Calcium D',
        category: 'vitamins',
        rx: false,
        quantity: 2,
        unitPriceCents: 2990,
      },
      {
        sku: '690000000002',
        name: 'Alendronate',
        category: 'osteoporosis',
        rx: true,
        quantity: 1,
        unitPriceCents: 5800,
      },
    ],
    totalCents: 11780,
  });
  const refund = posMessage(phone, {
    transactionId: `${saleId}-R`,
    type: 'refund',
    originalTransactionId: saleId,
    occurredAt: '2026-11-21T09:00:00+08:00',
    items: [
      {
        sku: '690000000001',
        name: 'Calcium D',
        category: 'vitamins',
        rx: false,
        quantity: 1,
        unitPriceCents: 2990,
      },
    ],
    totalCents: 2990,
  });

  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic: Topics.posTransactions, messages: [sale, sale] });
  const points = () => system.api('GET', `/api/v1/members/${id}/points`);
  const earned = await until('the sale’s points', async () => {
    const response = await points();
    return response.body.balance === 59 && response.body;
  });
  expect(earned.entries).toEqual([
    {
      entryId: `earn:${saleId}`,
      kind: 'earn',
      points: 59,
      at: '2026-11-20T02:15:00.000Z',
      transactionId: saleId,
    },
  ]);

  await producer.send({ topic: Topics.posTransactions, messages: [refund, sale] });
  await producer.disconnect();
  const afterRefund = await until('the refund’s reversal', async () => {
    const response = await points();
    return response.body.entries.length === 2 && response.body;
  });
  expect(afterRefund.balance).toBe(59 - 29);
  expect(afterRefund.entries[0]).toMatchObject({
    kind: 'reverse',
    points: -29,
    transactionId: `${saleId}-R`,
  });

  // Both entries announced on loyalty.events.v1, keyed by the member.
  const consumer = testKafka().consumer({ groupId: `test-points-${system.runId}` });
  const seen = new Map<string, { points: number }>();
  await consumer.connect();
  await consumer.subscribe({ topics: [Topics.loyaltyEvents], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const envelope = JSON.parse(message.value!.toString());
      if (envelope.key === id) seen.set(envelope.type, envelope.payload);
    },
  });
  await until('the points events', async () => seen.size === 2, 30000);
  await consumer.disconnect();
  expect(seen.get('points.earned')).toMatchObject({
    memberId: id,
    points: 59,
    entryId: `earn:${saleId}`,
  });
  expect(seen.get('points.reversed')).toMatchObject({ memberId: id, points: -29 });
  // The ledger's invariant, once the account's balance (written by loyalty in rounds) is stored.
  const ledger = system.mongo.db(system.dbOf('loyalty'));
  const stored = async () => {
    const entries = await ledger.collection('points_entries').find({ memberId: id }).toArray();
    const account = await ledger.collection('points_accounts').findOne({ _id: id as never });
    return {
      balance: account?.balance,
      sum: entries.reduce((sum, e) => sum + (e.points as number), 0),
    };
  };
  await until('the stored balance', async () => (await stored()).balance === 30);
  const { balance, sum } = await stored();
  expect(balance).toBe(sum);
});

it('answers only staff who work with members, and checks the id', async () => {
  const id = '0123456789abcdef01234567';
  expect(
    (await system.api('GET', `/api/v1/members/${id}/points`, undefined, ['hq_analyst'])).status,
  ).toBe(403);
  expect(
    (await system.api('GET', `/api/v1/members/${id}/points`, undefined, { token: null })).status,
  ).toBe(401);
  const bad = await system.api('GET', '/api/v1/members/not-an-id/points');
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'id' })]);
  const none = await system.api('GET', `/api/v1/members/${id}/points`);
  expect(none.body).toEqual({ memberId: id, balance: 0, available: 0, entries: [] });
});

it('never overspends under 50 concurrent redemptions, and answers a retried key with the first answer', async () => {
  const phone = uniquePhone('136');
  const member = await system.api('POST', '/api/v1/members', {
    name: '兑换',
    phone,
    channel: 'online',
  });
  const id = member.body.id as string;
  // A sale's points may be spent once its return window (7 days by default) has closed.
  const earn = async (
    transactionId: string,
    yuan: number,
    occurredAt = '2026-11-01T10:15:00+08:00',
  ) => {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: Topics.posTransactions,
      messages: [
        posMessage(phone, {
          transactionId,
          type: 'sale',
          occurredAt,
          items: [
            {
              sku: '690000000009',
              name: 'Massager',
              category: 'devices',
              rx: false,
              quantity: 1,
              unitPriceCents: yuan * 100,
            },
          ],
          totalCents: yuan * 100,
        }),
      ],
    });
    await producer.disconnect();
  };
  const balance = async () =>
    (await system.api('GET', `/api/v1/members/${id}/points`)).body.balance as number;
  const runId = randomUUID().slice(0, 8);
  // Amounts kept under the silver tier (¥2,000 a year), whose multiplier would change them.
  await earn(`RDM-${runId}-1`, 1900);
  // Bought just now: in the balance, not yet spendable.
  await earn(`RDM-${runId}-0`, 60, new Date().toISOString());
  await until('1,960 points', async () => (await balance()) === 1960);

  // COUPON-5 costs 500: three of fifty fit in the 1,900 that may be spent.
  const redeem = (key: string, body: unknown = { rewardId: 'COUPON-5' }) =>
    system.api('POST', `/api/v1/members/${id}/points/redemptions`, body, ['store_clerk'], {
      'Idempotency-Key': key,
    });
  const keys = Array.from({ length: 50 }, (_, i) => `${runId}-key-${i}`);
  const answers = await Promise.all(keys.map((key) => redeem(key)));
  const accepted = answers.filter((a) => a.status === 201);
  const refused = answers.filter((a) => a.status === 409);
  expect({ accepted: accepted.length, refused: refused.length }).toEqual({
    accepted: 3,
    refused: 47,
  });
  expect(accepted.map((a) => a.body.balanceAfter as number).sort((a, b) => a - b)).toEqual([
    460, 960, 1460,
  ]);
  expect(refused[0]!.body.error).toMatchObject({ code: 'POINTS.INSUFFICIENT' });
  const locked = (await system.api('GET', `/api/v1/members/${id}/points`)).body;
  expect({ balance: locked.balance, available: locked.available }).toEqual({
    balance: 460,
    available: 400,
  });

  // Retries get the first answer, even once the balance would now cover the refused one.
  await earn(`RDM-${runId}-2`, 100);
  await until('100 more points', async () => (await balance()) === 560);
  const firstAccepted = keys[answers.indexOf(accepted[0]!)]!;
  const firstRefused = keys[answers.indexOf(refused[0]!)]!;
  expect(await redeem(firstAccepted)).toMatchObject({ status: 201, body: accepted[0]!.body });
  expect((await redeem(firstRefused)).status).toBe(409);
  expect(await balance()).toBe(560);
  // A new request may spend what is out of its window, and no more.
  expect((await redeem(`${runId}-new`)).body).toMatchObject({ points: 500, balanceAfter: 60 });
  expect((await redeem(`${runId}-newer`)).status).toBe(409);

  // The ledger lists the four redemptions (not the refusals), and its invariant holds.
  const view = (await system.api('GET', `/api/v1/members/${id}/points`)).body;
  expect(view.entries.filter((e: { kind: string }) => e.kind === 'redeem')).toHaveLength(4);
  const ledger = system.mongo.db(system.dbOf('loyalty'));
  const entries = await ledger.collection('points_entries').find({ memberId: id }).toArray();
  expect(entries.reduce((sum, e) => sum + (e.points as number), 0)).toBe(60);

  // Bad requests: no key, an unknown reward.
  const noKey = await system.api('POST', `/api/v1/members/${id}/points/redemptions`, {
    rewardId: 'COUPON-5',
  });
  expect(noKey.status).toBe(400);
  expect(noKey.body.error.details).toEqual([expect.objectContaining({ field: 'idempotencyKey' })]);
  const unknown = await redeem(`${runId}-unknown`, { rewardId: 'NO-SUCH-REWARD' });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: 'rewardId' })]);
});

it('lets store managers and admins adjust a balance with a reason, once per key', async () => {
  const member = await system.api('POST', '/api/v1/members', {
    name: '调整',
    phone: uniquePhone('136'),
    channel: 'online',
  });
  const id = member.body.id as string;
  const adjust = (body: unknown, as: string[], key = `adj-${id}-1`) =>
    system.api('POST', `/api/v1/members/${id}/points/adjustments`, body, as, {
      'Idempotency-Key': key,
    });
  const body = { points: 150, reason: 'Goodwill for a late delivery' };

  expect((await adjust(body, ['store_clerk'])).status).toBe(403);
  const first = await adjust(body, ['store_manager']);
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ kind: 'adjust', points: 150, reason: body.reason });
  expect((await adjust(body, ['store_manager'])).body).toEqual(first.body);
  await adjust({ points: -200, reason: 'Correction of a wrong entry' }, ['admin'], `adj-${id}-2`);

  const view = (await system.api('GET', `/api/v1/members/${id}/points`)).body;
  expect(view.balance).toBe(-50);
  expect(view.entries.map((e: { points: number }) => e.points).sort()).toEqual([-200, 150]);
  const bad = await adjust({ points: 0, reason: '' }, ['admin'], `adj-${id}-3`);
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'points',
    'reason',
  ]);
});

it('raises the tier as soon as the rolling spend reaches it, and shows the way to the next', async () => {
  const phone = uniquePhone('136');
  const member = await system.api('POST', '/api/v1/members', {
    name: '等级',
    phone,
    channel: 'online',
  });
  const id = member.body.id as string;
  const tier = () => system.api('GET', `/api/v1/members/${id}/tier`);
  expect((await tier()).body).toMatchObject({ tier: 'regular', spend12mCents: 0 });

  const sale = posMessage(phone, {
    transactionId: `TIER-${randomUUID().slice(0, 8)}`,
    type: 'sale',
    occurredAt: new Date().toISOString(),
    items: [
      {
        sku: '690000000010',
        name: 'BP monitor',
        category: 'devices',
        rx: false,
        quantity: 1,
        unitPriceCents: 250_000,
      },
    ],
    totalCents: 250_000,
  });
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic: Topics.posTransactions, messages: [sale, sale] });
  await producer.disconnect();

  const raised = await until('silver', async () => {
    const response = await tier();
    return response.body.tier === 'silver' && response.body;
  });
  expect(raised).toEqual({
    memberId: id,
    tier: 'silver',
    benefits: { pointsMultiplier: 1.2, memberPrices: true, healthAdviser: false },
    spend12mCents: 250_000,
    next: { tier: 'gold', thresholdCents: 800_000, remainingCents: 550_000 },
  });
  const tiers = system.mongo.db(system.dbOf('loyalty')).collection('member_tiers');
  await until('tier.changed relayed', async () =>
    (await tiers.findOne({ _id: id as never }))?.outboxPending === undefined ? true : null,
  );
});

it('moves a merged member’s points, locked points and tier spend to the survivor, once', async () => {
  const register = async (name: string) => {
    const phone = uniquePhone('136');
    const created = await system.api('POST', '/api/v1/members', { name, phone, channel: 'online' });
    return { id: created.body.id as string, phone };
  };
  const survivor = await register('合并甲');
  const duplicate = await register('合并乙');
  const runId = randomUUID().slice(0, 8);
  const sale = (phone: string, n: number, yuan: number, occurredAt: string) =>
    posMessage(phone, {
      transactionId: `MRG-${runId}-${n}`,
      type: 'sale',
      occurredAt,
      items: [
        {
          sku: '690000000012',
          name: 'Zinc',
          category: 'vitamins',
          rx: false,
          quantity: 1,
          unitPriceCents: yuan * 100,
        },
      ],
      totalCents: yuan * 100,
    });
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({
    topic: Topics.posTransactions,
    messages: [
      sale(survivor.phone, 1, 100, '2026-11-01T10:00:00+08:00'),
      sale(duplicate.phone, 2, 50, '2026-11-01T10:00:00+08:00'),
      sale(duplicate.phone, 3, 30, new Date().toISOString()),
    ],
  });
  await producer.disconnect();
  const points = async (id: string) =>
    (await system.api('GET', `/api/v1/members/${id}/points`)).body;
  await until(
    'both balances',
    async () =>
      (await points(survivor.id)).balance === 100 && (await points(duplicate.id)).balance === 80,
  );

  const merged = await system.api(
    'POST',
    `/api/v1/members/${survivor.id}/merge`,
    { duplicateId: duplicate.id },
    ['admin'],
  );
  expect(merged.status).toBeLessThan(300);
  const after = await until('points moved', async () => {
    const view = await points(survivor.id);
    return view.balance === 180 && view;
  });
  // The duplicate's ¥30 bought just now is still in its return window on the survivor.
  expect(after.available).toBe(150);
  expect(await points(duplicate.id)).toMatchObject({ balance: 0, available: 0 });
  const tier = (await system.api('GET', `/api/v1/members/${survivor.id}/tier`)).body;
  expect(tier.spend12mCents).toBe(18_000);
  const entries = await system.mongo
    .db(system.dbOf('loyalty'))
    .collection('points_entries')
    .find({ kind: 'merge' })
    .toArray();
  expect(
    entries
      .filter((e) => String(e._id).endsWith(duplicate.id))
      .map((e) => e.points)
      .sort(),
  ).toEqual([-80, 80]);
});

// Last in this file: the rule it stores holds for every later sale of this run's system.
it('earns by the rule in force when a sale was made; a rule change is never retroactive', async () => {
  const phone = uniquePhone('136');
  const member = await system.api('POST', '/api/v1/members', {
    name: '规则',
    phone,
    channel: 'online',
  });
  const id = member.body.id as string;
  const rule = {
    pointsPerYuan: 3,
    rxEarns: false,
    excludedCategories: ['infant-formula'],
    multipliers: [{ category: 'vitamins', multiplier: 2 }],
    minimumOrderCents: 0,
    memberDay: { dayOfMonth: 8, multiplier: 2 },
  };
  const past = await system.api(
    'POST',
    '/api/v1/loyalty/earning-rules',
    { ...rule, effectiveFrom: '2026-01-01T00:00:00Z' },
    ['admin'],
  );
  expect(past.status).toBe(400);
  expect(past.body.error.details).toEqual([expect.objectContaining({ field: 'effectiveFrom' })]);
  expect(
    (await system.api('POST', '/api/v1/loyalty/earning-rules', rule, ['store_manager'])).status,
  ).toBe(403);

  // Far enough ahead that a slow request still arrives before it (a past start is refused).
  const takesEffect = new Date(Date.now() + 10_000);
  const created = await system.api(
    'POST',
    '/api/v1/loyalty/earning-rules',
    { ...rule, effectiveFrom: takesEffect.toISOString() },
    ['admin'],
  );
  expect(created.status).toBe(201);
  const listed = await system.api('GET', '/api/v1/loyalty/earning-rules', undefined, ['admin']);
  expect(listed.body.items.map((r: { ruleId: string }) => r.ruleId)).toContain(created.body.ruleId);

  const line = {
    sku: '690000000011',
    name: 'Vitamin E',
    category: 'vitamins',
    rx: false,
    quantity: 1,
    unitPriceCents: 10_000,
  };
  const sale = (transactionId: string, occurredAt: string) =>
    posMessage(phone, {
      transactionId,
      type: 'sale',
      occurredAt,
      items: [line],
      totalCents: 10_000,
    });
  const runId = randomUUID().slice(0, 8);
  // Made before the rule took effect (uploaded late), and after it.
  const before = sale(`RULE-${runId}-1`, new Date(takesEffect.getTime() - 60_000).toISOString());
  while (Date.now() < takesEffect.getTime() + 500) await new Promise((r) => setTimeout(r, 200));
  const after = sale(`RULE-${runId}-2`, new Date().toISOString());
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic: Topics.posTransactions, messages: [before, after] });
  // The first sale refunded after the change: it gives back what it earned, at the old rate.
  await producer.send({
    topic: Topics.posTransactions,
    messages: [
      posMessage(phone, {
        transactionId: `RULE-${runId}-1R`,
        type: 'refund',
        originalTransactionId: `RULE-${runId}-1`,
        occurredAt: new Date().toISOString(),
        items: [line],
        totalCents: 10_000,
      }),
    ],
  });
  await producer.disconnect();
  const view = await until('three entries', async () => {
    const response = await system.api('GET', `/api/v1/members/${id}/points`);
    return response.body.entries.length === 3 && response.body;
  });
  const pointsOf = (entryId: string) =>
    view.entries.find((e: { entryId: string }) => e.entryId === entryId)?.points;
  expect(pointsOf(`earn:RULE-${runId}-1`)).toBe(100);
  expect(pointsOf(`earn:RULE-${runId}-2`)).toBe(600);
  expect(pointsOf(`reverse:RULE-${runId}-1R`)).toBe(-100);
  expect(view.balance).toBe(600);
});
