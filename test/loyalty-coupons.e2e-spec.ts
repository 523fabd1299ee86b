/**
 * Coupons end to end, through the gateway and Kafka: admin definitions, a welcome coupon once
 * however often `member.registered` arrives, a POS sale that carries a code redeeming it once,
 * concurrent API redemptions, the referral reward on the first sale only, compensation once per
 * complaint, roles and validation, and the coupon events on loyalty.events.v1.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@crm/contracts';
import { readTopic, testKafka } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';
import { posTransaction } from './support/pos-messages';

let system: TestSystem;
const startedAt = new Date();
const runId = randomUUID().slice(0, 8);
const definitions: Record<string, string> = {};

interface Coupon {
  code: string;
  purpose: string;
  status: string;
  redemption?: { transactionId?: string; discountCents: number; channel: string };
}

beforeAll(async () => {
  // Birthday passes every 2 s instead of hourly, so one runs after this suite's members register.
  process.env.BIRTHDAY_COUPONS_EVERY_MS = '2000';
  system = await startSystem(['members', 'loyalty', 'gateway']);
  const define = async (body: Record<string, unknown>) => {
    const created = await system.api('POST', '/api/v1/loyalty/coupon-definitions', body, ['admin']);
    expect(created.status).toBe(201);
    definitions[body.purpose as string] = created.body.definitionId as string;
  };
  // Automatic issues use the newest definition of their purpose: defined before any member.
  await define({
    name: '¥5 welcome',
    purpose: 'welcome',
    amountOffCents: 500,
    validDaysAfterIssue: 30,
    perMemberLimit: 1,
  });
  await define({
    name: '¥10 for a friend',
    purpose: 'referral',
    amountOffCents: 1000,
    validDaysAfterIssue: 60,
  });
  await define({
    name: '10% sorry',
    purpose: 'compensation',
    percentOff: 10,
    maxDiscountCents: 3000,
    validDaysAfterIssue: 90,
  });
  await define({
    name: '¥20 off ¥100 of vitamins',
    purpose: 'manual',
    amountOffCents: 2000,
    minimumSpendCents: 10_000,
    eligibleCategories: ['vitamins'],
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    perMemberLimit: 2,
  });
});

afterAll(async () => {
  await system?.stop();
});

// Of store S001, whose manager issues and compensates here (store scoping: docs/access-rules.md).
async function register(name: string, extra: Record<string, unknown> = {}) {
  const phone = uniquePhone('137');
  const created = await system.api('POST', '/api/v1/members', {
    name,
    phone,
    channel: 'online',
    homeStoreId: 'S001',
    ...extra,
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, phone };
}

const couponsOf = async (id: string): Promise<Coupon[]> =>
  (await system.api('GET', `/api/v1/members/${id}/coupons`)).body.items;

async function couponOf(id: string, purpose: string): Promise<Coupon> {
  return until(`${purpose} coupon of ${id}`, async () =>
    (await couponsOf(id)).find((c) => c.purpose === purpose),
  );
}

function sale(
  phone: string,
  transactionId: string,
  couponCodes?: string[],
  unitPriceCents = 12_000,
) {
  return posTransaction(
    phone,
    transactionId,
    [
      {
        sku: '690000000021',
        name: 'Vitamin C',
        category: 'vitamins',
        rx: false,
        quantity: 1,
        unitPriceCents,
      },
      {
        sku: '690000000022',
        name: 'Metformin',
        category: 'diabetes',
        rx: true,
        quantity: 1,
        unitPriceCents: 3000,
      },
    ],
    { cashierId: 'E042', ...(couponCodes ? { couponCodes } : {}) },
  );
}

async function produce(topic: string, messages: { key: string; value: string }[]) {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

const issue = (definitionId: string, body: unknown, key: string, as = ['store_manager']) =>
  system.api('POST', `/api/v1/loyalty/coupon-definitions/${definitionId}/issues`, body, as, {
    'Idempotency-Key': key,
  });

it('issues a welcome coupon once, and a POS sale carrying its code redeems it once', async () => {
  const member = await register('欢迎');
  // member.registered seen twice more (new event ids: a replay from upstream, not a redelivery).
  const registered = (id: string) => ({
    key: member.id,
    value: JSON.stringify({
      id,
      type: 'member.registered',
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'members',
      key: member.id,
      traceparent: null,
      payload: { memberId: member.id, channel: 'online', registeredAt: new Date().toISOString() },
    }),
  });
  await produce(Topics.membersEvents, [registered(randomUUID()), registered(randomUUID())]);
  const welcome = await couponOf(member.id, 'welcome');
  expect(welcome).toMatchObject({ status: 'available', purpose: 'welcome' });

  // A manual coupon whose redemption by the last sale shows the sales before it were applied.
  const manual = await issue(definitions.manual!, { memberId: member.id }, `${runId}-sentinel`);
  expect(manual.status).toBe(201);
  const sentinel = manual.body.codes[0] as string;
  const [s1, s2, s3] = [1, 2, 3].map((n) => `CPN-${runId}-${n}`);
  await produce(Topics.posTransactions, [
    sale(member.phone, s1!, [welcome.code.toLowerCase()]),
    sale(member.phone, s1!, [welcome.code]),
    sale(member.phone, s2!, [welcome.code]),
    sale(member.phone, s3!, [sentinel]),
  ]);
  await until('the sentinel redeemed', async () =>
    (await couponsOf(member.id)).find((c) => c.code === sentinel && c.status === 'redeemed'),
  );
  const coupons = await couponsOf(member.id);
  expect(coupons.filter((c) => c.purpose === 'welcome')).toHaveLength(1);
  expect(coupons.find((c) => c.code === welcome.code)).toMatchObject({
    status: 'redeemed',
    redemption: { transactionId: s1, discountCents: 500, channel: 'pos' },
  });
  // ¥20 off the ¥120 of vitamins; the prescription line counts for nothing.
  expect(coupons.find((c) => c.code === sentinel)?.redemption).toMatchObject({
    transactionId: s3,
    discountCents: 2000,
  });

  // Announced once each (by event id), with ids and amounts only.
  const events = await readTopic(
    Topics.loyaltyEvents,
    (messages) =>
      new Set(
        messages
          .filter((m) => m.key === member.id && m.value?.includes('coupon.redeemed'))
          .map((m) => JSON.parse(m.value!).id),
      ).size >= 2,
    30000,
    startedAt,
  );
  const mine = new Map(
    events
      .filter((m) => m.key === member.id)
      .map((m) => JSON.parse(m.value!))
      .filter((e) => e.type.startsWith('coupon.'))
      .map((e) => [e.id, e]),
  );
  const ofWelcome = [...mine.values()].filter((e) => e.payload.code === welcome.code);
  expect(ofWelcome.map((e) => e.type).sort()).toEqual(['coupon.issued', 'coupon.redeemed']);
  expect(ofWelcome.find((e) => e.type === 'coupon.redeemed').payload).toEqual({
    code: welcome.code,
    memberId: member.id,
    definitionId: definitions.welcome,
    discountCents: 500,
    orderCents: 15_000,
    channel: 'pos',
    transactionId: s1,
    redeemedAt: expect.any(String),
  });
  expect(JSON.stringify([...mine.values()])).not.toContain(member.phone);
});

it('redeems a code once under 20 concurrent API calls, answers a retry with the first answer, and refuses with reasons', async () => {
  const member = await register('并发');
  const other = await register('别人');
  const issued = await issue(definitions.manual!, { memberId: member.id }, `${runId}-race`);
  expect(issued.body).toMatchObject({ members: 1, issued: 1, alreadyIssued: 0 });
  // The same request again issues nothing more.
  const again = await issue(definitions.manual!, { memberId: member.id }, `${runId}-race`);
  expect(again.body).toMatchObject({ issued: 0, alreadyIssued: 1, codes: issued.body.codes });
  const code = issued.body.codes[0] as string;

  const redeem = (key: string, body: unknown, id = member.id, as = ['store_clerk']) =>
    system.api('POST', `/api/v1/members/${id}/coupons/${code}/redemptions`, body, as, {
      'Idempotency-Key': key,
    });
  const order = {
    lines: [
      { category: 'vitamins', rx: false, quantity: 2, unitPriceCents: 6000 },
      { category: 'osteoporosis', rx: true, quantity: 1, unitPriceCents: 5800 },
    ],
  };
  // Refused first, and still usable after: too small an order, another member's code.
  const small = await redeem(`${runId}-small`, {
    lines: [order.lines[0]!, order.lines[1]!].slice(1),
  });
  expect(small.status).toBe(422);
  expect(small.body.error.code).toBe('COUPON.NOT_APPLICABLE');
  const below = await redeem(`${runId}-below`, { amountCents: 9000 });
  expect(below.status).toBe(422);
  expect(below.body.error.code).toBe('COUPON.MINIMUM_SPEND_NOT_MET');
  const notOwned = await redeem(`${runId}-other`, order, other.id);
  expect(notOwned.status).toBe(422);
  expect(notOwned.body.error.code).toBe('COUPON.NOT_OWNED');

  const keys = Array.from({ length: 20 }, (_, i) => `${runId}-redeem-${i}`);
  const answers = await Promise.all(keys.map((key) => redeem(key, order)));
  const accepted = answers.filter((a) => a.status === 201);
  expect(accepted).toHaveLength(1);
  expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
    Array(19).fill('COUPON.ALREADY_REDEEMED'),
  );
  expect(accepted[0]!.body).toMatchObject({
    code,
    discountCents: 2000,
    eligibleCents: 12_000,
    orderCents: 17_800,
    channel: 'api',
  });
  const winner = keys[answers.indexOf(accepted[0]!)]!;
  expect(await redeem(winner, order)).toMatchObject({ status: 201, body: accepted[0]!.body });

  // The per-member limit (2): a second coupon, then a refusal.
  expect((await issue(definitions.manual!, { memberId: member.id }, `${runId}-2nd`)).status).toBe(
    201,
  );
  const third = await issue(definitions.manual!, { memberId: member.id }, `${runId}-3rd`);
  expect(third.status).toBe(409);
  expect(third.body.error.code).toBe('COUPON.LIMIT_REACHED');

  const unknown = await system.api(
    'POST',
    `/api/v1/members/${member.id}/coupons/ZZZZZZZZZZ/redemptions`,
    order,
    ['store_clerk'],
    { 'Idempotency-Key': `${runId}-unknown` },
  );
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('COUPON.NOT_FOUND');
});

it('rewards the referrer on the referred member’s first sale only', async () => {
  const referrer = await register('推荐人');
  const referred = await register('被推荐', { referredBy: referrer.id });
  const welcome = await couponOf(referred.id, 'welcome');
  const [first, second, third] = [1, 2, 3].map((n) => `REF-${runId}-${n}`);
  await produce(Topics.posTransactions, [
    sale(referred.phone, first!),
    sale(referred.phone, first!),
  ]);
  const reward = await couponOf(referrer.id, 'referral');
  expect(reward.status).toBe('available');
  // A second sale, then a sentinel: the welcome coupon redeemed by the third sale.
  await produce(Topics.posTransactions, [
    sale(referred.phone, second!),
    sale(referred.phone, third!, [welcome.code]),
  ]);
  await until('the sentinel redeemed', async () =>
    (await couponsOf(referred.id)).find((c) => c.code === welcome.code && c.status === 'redeemed'),
  );
  expect((await couponsOf(referrer.id)).filter((c) => c.purpose === 'referral')).toHaveLength(1);
  expect((await couponsOf(referred.id)).filter((c) => c.purpose === 'referral')).toHaveLength(0);
});

it('issues to every member of a saved segment, once per request key', async () => {
  const store = `S${runId.slice(0, 6).toUpperCase()}`;
  const members = await Promise.all(
    ['甲', '乙', '丙'].map((name) => register(`分众${name}`, { homeStoreId: store })),
  );
  const saved = await system.api(
    'POST',
    '/api/v1/segments',
    { name: `coupon segment ${runId}`, criteria: { storeIds: [store] } },
    ['admin'],
  );
  expect(saved.status).toBe(201);
  const segmentId = saved.body.id as string;
  await until('the segment indexed', async () => {
    const page = await system.api('GET', `/api/v1/segments/${segmentId}/members`, undefined, [
      'admin',
    ]);
    return page.body.memberIds?.length === 3;
  });
  const body = { segmentId };
  // An admin: a store manager issues only to a segment of their own store (here another one).
  const asAdmin = ['admin'];
  expect((await issue(definitions.manual!, body, `${runId}-segment`, asAdmin)).body).toEqual({
    definitionId: definitions.manual,
    members: 3,
    issued: 3,
    alreadyIssued: 0,
    limitReached: 0,
  });
  expect((await issue(definitions.manual!, body, `${runId}-segment`, asAdmin)).body).toMatchObject({
    members: 3,
    issued: 0,
    alreadyIssued: 3,
  });
  for (const member of members)
    expect((await couponsOf(member.id)).filter((c) => c.purpose === 'manual')).toHaveLength(1);
});

it('gives members born this local month one birthday coupon a year, however many passes run', async () => {
  const month = new Date(Date.now() + 8 * 3600_000).getUTCMonth() + 1;
  const born = await register('生日', { birthDate: `1990-${String(month).padStart(2, '0')}-15` });
  const other = await register('不是生日', {
    birthDate: `1990-${String((month % 12) + 1).padStart(2, '0')}-15`,
  });
  const created = await system.api(
    'POST',
    '/api/v1/loyalty/coupon-definitions',
    { name: 'Birthday ¥15', purpose: 'birthday', amountOffCents: 1500, validDaysAfterIssue: 31 },
    ['admin'],
  );
  expect(created.status).toBe(201);
  await couponOf(born.id, 'birthday');
  // Two more passes (every 2 s here) issue nothing more.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect((await couponsOf(born.id)).filter((c) => c.purpose === 'birthday')).toHaveLength(1);
  expect((await couponsOf(other.id)).filter((c) => c.purpose === 'birthday')).toHaveLength(0);
});

it('moves a merged member’s coupons to the survivor, whose sale may then use them', async () => {
  const survivor = await register('合并留');
  const duplicate = await register('合并去');
  const dupWelcome = await couponOf(duplicate.id, 'welcome');
  await couponOf(survivor.id, 'welcome');
  const merged = await system.api(
    'POST',
    `/api/v1/members/${survivor.id}/merge`,
    { duplicateId: duplicate.id },
    ['admin'],
  );
  expect(merged.status).toBeLessThan(300);
  await until('the coupon moved', async () =>
    (await couponsOf(survivor.id)).find((c) => c.code === dupWelcome.code),
  );
  expect(await couponsOf(duplicate.id)).toEqual([]);
  await produce(Topics.posTransactions, [
    sale(survivor.phone, `MRG-${runId}-1`, [dupWelcome.code]),
  ]);
  await until('the moved coupon redeemed by the survivor’s sale', async () =>
    (await couponsOf(survivor.id)).find(
      (c) => c.code === dupWelcome.code && c.status === 'redeemed',
    ),
  );
});

it('compensates a complaint with one coupon however often asked', async () => {
  const member = await register('投诉');
  const compensate = (body: unknown, as = ['desk_agent']) =>
    system.api('POST', `/api/v1/members/${member.id}/coupons/compensations`, body, as);
  const first = await compensate({ complaintId: `C-${runId}` });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({
    purpose: 'compensation',
    percentOff: 10,
    status: 'available',
  });
  const again = await compensate({ complaintId: `C-${runId}` }, ['store_manager']);
  expect(again.body.code).toBe(first.body.code);
  expect((await couponsOf(member.id)).filter((c) => c.purpose === 'compensation')).toHaveLength(1);
  expect((await compensate({ complaintId: `C-${runId}` }, ['store_clerk'])).status).toBe(403);
  const bad = await compensate({ complaintId: 'no spaces allowed' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'complaintId' })]);
});

it('checks roles and answers invalid input with the fields at fault', async () => {
  const id = '0123456789abcdef01234567';
  const definition = { name: 'x', purpose: 'manual', amountOffCents: 100, validDaysAfterIssue: 1 };
  const as = (roles: string[]) => roles;
  expect(
    (
      await system.api(
        'POST',
        '/api/v1/loyalty/coupon-definitions',
        definition,
        as(['store_manager']),
      )
    ).status,
  ).toBe(403);
  expect(
    (await system.api('GET', '/api/v1/loyalty/coupon-definitions', undefined, as(['store_clerk'])))
      .status,
  ).toBe(403);
  const listed = await system.api(
    'GET',
    '/api/v1/loyalty/coupon-definitions',
    undefined,
    as(['hq_analyst']),
  );
  expect(listed.body.items.map((d: { purpose: string }) => d.purpose).sort()).toEqual([
    'birthday',
    'compensation',
    'manual',
    'referral',
    'welcome',
  ]);
  expect(
    (await system.api('GET', `/api/v1/members/${id}/coupons`, undefined, as(['hq_analyst'])))
      .status,
  ).toBe(403);
  expect(
    (await system.api('GET', `/api/v1/members/${id}/coupons`, undefined, { token: null })).status,
  ).toBe(401);
  expect(
    (await issue(definitions.manual!, { memberId: id }, `${runId}-clerk`, ['store_clerk'])).status,
  ).toBe(403);

  const bad = await system.api(
    'POST',
    '/api/v1/loyalty/coupon-definitions',
    { name: '', purpose: 'gift', percentOff: 150, minimumSpendCents: -1 },
    ['admin'],
  );
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'minimumSpendCents',
    'name',
    'percentOff',
    'purpose',
  ]);
  const contradictory = await system.api(
    'POST',
    '/api/v1/loyalty/coupon-definitions',
    { name: 'both', purpose: 'manual', amountOffCents: 100, percentOff: 10 },
    ['admin'],
  );
  expect(contradictory.status).toBe(400);
  expect(contradictory.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'percentOff',
    'validUntil',
  ]);
  const noKey = await system.api('POST', `/api/v1/members/${id}/coupons/K7QX4M9PRT/redemptions`, {
    amountCents: 100,
  });
  expect(noKey.status).toBe(400);
  expect(noKey.body.error.details).toEqual([expect.objectContaining({ field: 'idempotencyKey' })]);
  const badCode = await system.api(
    'POST',
    `/api/v1/members/${id}/coupons/NOT-A-CODE/redemptions`,
    {},
    ['store_clerk'],
    { 'Idempotency-Key': `${runId}-badcode` },
  );
  expect(badCode.status).toBe(400);
  expect(badCode.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'amountCents',
    'code',
    'lines',
  ]);
  const both = await issue(definitions.manual!, { memberId: id, segmentId: id }, `${runId}-both`);
  expect(both.status).toBe(400);
  expect(both.body.error.details).toEqual([expect.objectContaining({ field: 'segmentId' })]);
  const neither = await issue(definitions.manual!, {}, `${runId}-neither`);
  expect(neither.status).toBe(400);
  expect(neither.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'memberId',
    'segmentId',
  ]);
});
