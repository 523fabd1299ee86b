/**
 * Erasure reaches loyalty, end to end: a member with points from a POS sale, a manual
 * adjustment with a reason, a referral and coupons; the export shows loyalty's part; after
 * `DELETE /members/{id}` loyalty holds no reason, referral link or coupon link for the member,
 * the balance is unchanged, loyalty's export shows nothing personal, new personal data is
 * refused, and the same `member.erased` delivered again changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type EventEnvelope, type LoyaltyExport, Subjects, Topics } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { readTopic, testKafka } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';
import { posTransaction } from './support/pos-messages';

let system: TestSystem;
let nats: NatsConnection;
const runId = randomUUID().slice(0, 8);
const definitions: Record<string, string> = {};

beforeAll(async () => {
  system = await startSystem([
    'members',
    'loyalty',
    'care-plans',
    'complaints',
    'notifications',
    'gateway',
  ]);
  nats = await connect({ servers: process.env.NATS_URL! });
  for (const body of [
    {
      name: '¥10 for a friend',
      purpose: 'referral',
      amountOffCents: 1000,
      validDaysAfterIssue: 60,
    },
    { name: '¥5 off', purpose: 'manual', amountOffCents: 500, validDaysAfterIssue: 30 },
  ]) {
    const created = await system.api('POST', '/api/v1/loyalty/coupon-definitions', body, ['admin']);
    expect(created.status).toBe(201);
    definitions[body.purpose] = created.body.definitionId as string;
  }
});

afterAll(async () => {
  await nats?.drain();
  await system?.stop();
});

async function register(name: string, extra: Record<string, unknown> = {}) {
  const phone = uniquePhone('136');
  const created = await system.api('POST', '/api/v1/members', {
    name,
    phone,
    channel: 'store',
    homeStoreId: 'S001',
    ...extra,
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, phone };
}

async function produce(topic: string, messages: { key: string; value: string }[]) {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

function sale(phone: string, transactionId: string) {
  return posTransaction(
    phone,
    transactionId,
    [
      {
        sku: '690000000031',
        name: 'Calcium + D3',
        category: 'vitamins',
        rx: false,
        quantity: 2,
        unitPriceCents: 6000,
      },
    ],
    { cashierId: 'E042' },
  );
}

const loyaltyDb = () => system.mongo.db(system.dbOf('loyalty'));

/** Everything loyalty's store holds that names the member, to compare before and after. */
async function heldAbout(memberId: string) {
  const db = loyaltyDb();
  const [entries, coupons, referrals, refusals, erasure, account, tier] = await Promise.all([
    db.collection('points_entries').find({ memberId }).sort({ _id: 1 }).toArray(),
    db
      .collection('coupons')
      .find({ $or: [{ memberId }, { issuedTo: memberId }, { cause: `referral:${memberId}` }] })
      .sort({ _id: 1 })
      .toArray(),
    db
      .collection('coupon_referrals')
      .find({ $or: [{ _id: memberId as never }, { referrerId: memberId }] })
      .toArray(),
    db.collection('coupon_refusals').find({}).toArray(),
    db.collection('member_erasures').findOne({ _id: memberId as never }),
    db.collection('points_accounts').findOne({ _id: memberId as never }),
    db.collection('member_tiers').findOne({ _id: memberId as never }),
  ]);
  const strip = <T extends object>(docs: T[]) =>
    docs.map((doc) => {
      const { outbox: _outbox, outboxPending: _pending, ...rest } = doc as Record<string, unknown>;
      return rest;
    });
  return {
    entries: strip(entries),
    coupons: strip(coupons),
    referrals,
    refusals: refusals.filter((r) => JSON.stringify(r).includes(memberId)),
    erasure,
    account,
    tier: tier && { tier: tier.tier, months: tier.months },
  };
}

const loyaltyExport = (id: string) =>
  new NatsRpcClient(nats, 10_000).request<LoyaltyExport>(Subjects.loyalty.export, { id });

it('erases what loyalty holds about the person, keeps the balance, and a redelivery changes nothing', async () => {
  const since = new Date(Date.now() - 1000);
  const referrer = await register('推荐人');
  const member = await register('王丽', { referredBy: referrer.id });
  const reason = `Goodwill for Mrs Wang's late delivery ${runId}`;

  // Points from a POS sale (the first sale also rewards the referrer), an adjustment with a reason.
  await produce(Topics.posTransactions, [sale(member.phone, `ERA-${runId}-1`)]);
  await until('points from the sale', async () => {
    const points = await system.api('GET', `/api/v1/members/${member.id}/points`);
    return points.body.entries?.some((e: { kind: string }) => e.kind === 'earn');
  });
  const adjusted = await system.api(
    'POST',
    `/api/v1/members/${member.id}/points/adjustments`,
    { points: 50, reason },
    ['store_manager'],
    { 'Idempotency-Key': `${runId}-adjust-1` },
  );
  expect(adjusted.status).toBe(201);
  // A coupon of their own, and a refused try at the referrer's reward (a kept refusal).
  const issued = await system.api(
    'POST',
    `/api/v1/loyalty/coupon-definitions/${definitions.manual}/issues`,
    { memberId: member.id },
    ['store_manager'],
    { 'Idempotency-Key': `${runId}-issue-1` },
  );
  expect(issued.status).toBe(201);
  const referrerReward = await until('the referral reward', async () =>
    (await system.api('GET', `/api/v1/members/${referrer.id}/coupons`)).body.items?.find(
      (c: { purpose: string }) => c.purpose === 'referral',
    ),
  );
  const tried = await system.api(
    'POST',
    `/api/v1/members/${member.id}/coupons/${referrerReward.code}/redemptions`,
    { amountCents: 5000 },
    ['store_clerk'],
    { 'Idempotency-Key': `${runId}-try-1` },
  );
  expect(tried.status).toBe(422);

  // The export: the members fields at the top level as before, and loyalty's part.
  const exported = await system.api('GET', `/api/v1/members/${member.id}/export`);
  expect(exported.status).toBe(200);
  expect(exported.body).toMatchObject({
    memberId: member.id,
    member: { id: member.id, phone: member.phone },
    complete: true,
    services: {
      members: { status: 'ok' },
      loyalty: { status: 'ok' },
      'care-plans': { status: 'ok' },
      complaints: { status: 'ok' },
      notifications: { status: 'ok', data: { memberId: member.id } },
    },
  });
  const part = exported.body.services.loyalty.data as LoyaltyExport;
  const balance = part.account!.balance;
  expect(balance).toBeGreaterThan(50);
  expect(part.entries.map((e) => e.kind).sort()).toEqual(['adjust', 'earn']);
  expect(part.entries.find((e) => e.kind === 'adjust')).toMatchObject({ reason, points: 50 });
  expect(part.coupons.map((c) => c.code)).toEqual(issued.body.codes);
  expect(part.referrals).toEqual([
    expect.objectContaining({ role: 'referred-by', memberId: referrer.id, settled: true }),
  ]);
  expect(part.tier!.months[0]!.cents).toBe(12_000);
  const before = await heldAbout(member.id);
  expect(JSON.stringify(before)).toContain(reason);
  expect(before.referrals).toHaveLength(1);
  expect(before.coupons.some((c) => c.cause === `referral:${member.id}`)).toBe(true);
  expect(before.refusals).toHaveLength(1);

  // Erasure.
  const erased = await system.api('DELETE', `/api/v1/members/${member.id}`, undefined, ['admin']);
  expect(erased.status).toBe(200);
  await until(
    'loyalty finished the erasure',
    async () => (await heldAbout(member.id)).erasure?.completedAt,
  );

  const after = await heldAbout(member.id);
  expect(JSON.stringify(after)).not.toContain(reason);
  expect(after.entries.filter((e) => 'reason' in e)).toEqual([]);
  expect(after.referrals).toEqual([]);
  expect(after.refusals).toEqual([]);
  // The referrer's reward no longer names the member; the member's own coupon stays, anonymous.
  expect(after.coupons.map((c) => c._id).sort()).toEqual(issued.body.codes);
  expect(after.coupons.some((c) => 'issuedTo' in c)).toBe(false);
  const reward = await loyaltyDb().collection('coupons').findOne({ _id: referrerReward.code });
  expect(reward!.cause).toBe(`referral:erased:${referrerReward.code}`);
  // The figures stay: entries' points, the balance, the tier spend.
  expect(after.entries.map((e) => [e._id, e.points])).toEqual(
    before.entries.map((e) => [e._id, e.points]),
  );
  expect(after.tier).toEqual(before.tier);
  const points = await system.api('GET', `/api/v1/members/${member.id}/points`);
  expect(points.body.balance).toBe(balance);

  // The export after erasure: the members service no longer knows the person; loyalty's part
  // holds the anonymous figures only.
  expect((await system.api('GET', `/api/v1/members/${member.id}/export`)).status).toBe(404);
  const left = await loyaltyExport(member.id);
  expect(left).toMatchObject({
    memberId: member.id,
    account: { balance },
    referrals: [],
    couponRefusals: [],
    erasure: { erasedAt: erased.body.erasedAt, completedAt: expect.any(String) },
  });
  expect(left.entries.every((e) => e.reason === undefined)).toBe(true);
  expect(JSON.stringify(left)).not.toContain(reason);
  expect(JSON.stringify(left)).not.toContain(referrer.id);

  // New personal data is refused.
  const refused = await system.api(
    'POST',
    `/api/v1/members/${member.id}/points/adjustments`,
    { points: 10, reason: 'after the erasure' },
    ['store_manager'],
    { 'Idempotency-Key': `${runId}-adjust-2` },
  );
  expect(refused.status).toBe(410);
  expect(refused.body.error.code).toBe('MEMBER.ERASED');

  // The same member.erased again: loyalty sees it, and nothing changes.
  const events = await readTopic(
    Topics.membersEvents,
    (all) => all.some((m) => m.key === member.id && m.value?.includes('"member.erased"')),
    15000,
    since,
  );
  const envelope = events.find((m) => m.key === member.id && m.value?.includes('"member.erased"'))!;
  expect((JSON.parse(envelope.value!) as EventEnvelope).type).toBe('member.erased');
  // Balances are written behind, in rounds (a single entry's within 30 s): compare once the
  // account holds the balance, or that round landing during the redelivery looks like a change.
  await until(
    'the balance written',
    async () => (await heldAbout(member.id)).account?.balance === balance,
    45000,
  );
  const settled = await heldAbout(member.id);
  await produce(Topics.membersEvents, [{ key: member.id, value: envelope.value! }]);
  await until('loyalty saw the redelivery', async () =>
    system.processes
      .get('loyalty')!
      .logs()
      .split('\n')
      .some(
        (line) => line.includes('member already erased in loyalty') && line.includes(member.id),
      ),
  );
  expect(await heldAbout(member.id)).toEqual(settled);
  expect((await system.api('GET', `/api/v1/members/${member.id}/points`)).body.balance).toBe(
    balance,
  );
});
