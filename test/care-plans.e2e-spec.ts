/**
 * Care through the gateway and Kafka: a sale's follow-ups (once, however often delivered), a
 * refund cancelling the open ones, a refill moving the reminder, a reminder kept due while
 * notifications cannot take it, enrolment with and without the health-data consent, and
 * care-plans SIGKILLed while consuming 5,000 sales: every task exactly once.
 */
import { PURCHASE_RECORDED, Topics, type PurchaseRecordedPayload } from '@crm/contracts';
import { newEnvelope } from '@crm/messaging';
import { alendronateSale, refundOf, testKafka } from '@crm/testing';
import { posRefund, posTransaction, type PosItem } from './support/pos-messages';
import { sendToPos } from './support/points-stream';
import { startSystem, uniquePhone, until, within, type TestSystem } from './support/system';

let system: TestSystem;
const DAY = 86_400_000;

beforeAll(async () => {
  system = await startSystem(['members', 'care-plans', 'gateway'], {
    env: { CARE_SEND_EVERY_MS: '1000' },
  });
});

afterAll(async () => {
  await system?.stop();
});

type SupplyItem = PosItem & { daysSupply?: number };
const ALENDRONATE: SupplyItem = {
  sku: 'ALN70',
  name: 'Alendronate 70mg x4',
  category: 'osteoporosis',
  rx: true,
  quantity: 1,
  unitPriceCents: 5800,
  daysSupply: 28,
};
const LIPSTICK: PosItem = {
  sku: 'LIP',
  name: 'Lipstick',
  category: 'cosmetics',
  rx: false,
  quantity: 1,
  unitPriceCents: 9900,
};

const care = () => system.mongo.db(system.dbOf('care-plans'));

async function member(extra: Record<string, unknown> = {}) {
  return system.registerMember({
    name: '林护理',
    phone: uniquePhone('137'),
    channel: 'store',
    homeStoreId: 'S001',
    ...extra,
  });
}

async function tasksOf(memberId: string) {
  const page = await system.api('GET', `/api/v1/care-tasks?memberId=${memberId}&limit=200`);
  expect(page.status).toBe(200);
  return page.body.items as {
    id: string;
    kind: string;
    dueAt: string;
    status: string;
    cause: { day?: number };
  }[];
}

/** Sends one purchase.recorded straight to members.events.v1, under a new event id. */
async function publishPurchaseRecorded(payload: PurchaseRecordedPayload) {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    const envelope = newEnvelope({
      type: PURCHASE_RECORDED,
      source: 'members',
      key: payload.memberId,
      payload,
    });
    await producer.send({
      topic: Topics.membersEvents,
      messages: [{ key: payload.memberId, value: JSON.stringify(envelope) }],
    });
  } finally {
    await producer.disconnect();
  }
}

describe('post-purchase follow-ups', () => {
  it('makes five tasks anchored to the sale, once, however often the sale arrives', async () => {
    const buyer = await member();
    const tx = `CF-${system.runId}-1`;
    const saleAt = new Date(Date.now() - 10 * DAY); // seen late: days 3 and 7 are overdue
    const sale = posTransaction(buyer.phone, tx, [ALENDRONATE, LIPSTICK], {
      occurredAt: saleAt.toISOString(),
    });
    await sendToPos([sale, sale]);
    await until('five follow-ups', async () => (await tasksOf(buyer.id)).length === 5);

    // The same purchase announced again under another event id: its causes collide.
    await publishPurchaseRecorded({
      transactionId: tx,
      type: 'sale',
      originalTransactionId: null,
      memberId: buyer.id,
      storeId: 'S001',
      occurredAt: saleAt.toISOString(),
      totalCents: 5800,
      items: [
        { sku: 'ALN70', category: 'osteoporosis', rx: true, quantity: 1, unitPriceCents: 5800 },
      ],
    });
    // A later sale of the member, behind the duplicate in the same partition, marks it consumed.
    await sendToPos([posTransaction(buyer.phone, `${tx}-later`, [ALENDRONATE])]);
    await until('the later sale’s follow-ups', async () => (await tasksOf(buyer.id)).length >= 10);
    const tasks = (await tasksOf(buyer.id)).filter((t) => t.id.startsWith(`followup:${tx}:`));
    expect(tasks.map((t) => [t.id, t.kind, t.dueAt])).toEqual(
      [3, 7, 14, 21, 28].map((day) => [
        `followup:${tx}:d${day}`,
        day === 14 ? 'visit' : 'call',
        new Date(saleAt.getTime() + day * DAY).toISOString(),
      ]),
    );
    expect(await tasksOf(buyer.id)).toHaveLength(10);
  });

  it('a refund of the sale cancels the follow-ups still open; completing is idempotent', async () => {
    const buyer = await member();
    const tx = `CF-${system.runId}-2`;
    await sendToPos([posTransaction(buyer.phone, tx, [ALENDRONATE])]);
    await until('follow-ups', async () => (await tasksOf(buyer.id)).length === 5);
    const d3 = encodeURIComponent(`followup:${tx}:d3`);
    const done = await system.api(
      'POST',
      `/api/v1/care-tasks/${d3}/complete`,
      {
        outcome: 'reached',
        note: 'explained the weekly dose',
      },
      ['store_clerk'],
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', outcome: 'reached', closedBy: 'E-test' });
    const again = await system.api(
      'POST',
      `/api/v1/care-tasks/${d3}/complete`,
      {
        outcome: 'reached',
      },
      ['store_clerk'],
    );
    expect(again.status).toBe(200);
    expect(again.body.closedAt).toBe(done.body.closedAt);

    await sendToPos([posRefund(buyer.phone, `${tx}-R`, tx, [ALENDRONATE])]);
    await until('the open follow-ups cancelled', async () =>
      (await tasksOf(buyer.id)).every((t) => t.status !== 'open'),
    );
    const statuses = Object.fromEntries(
      (await tasksOf(buyer.id)).map((t) => [t.cause.day, t.status]),
    );
    expect(statuses).toEqual({
      3: 'done',
      7: 'cancelled',
      14: 'cancelled',
      21: 'cancelled',
      28: 'cancelled',
    });
    const late = await system.api(
      'POST',
      `/api/v1/care-tasks/${encodeURIComponent(`followup:${tx}:d7`)}/complete`,
      { outcome: 'reached' },
      ['store_clerk'],
    );
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CARE.TASK_CLOSED');
  });
});

describe('the store worklist', () => {
  it('pages a store’s open tasks by due time then id across slots, days and months, each once', async () => {
    // A store and a member of this run alone; every task due in the future (none escalates).
    const digits = system.runId.replace(/[^0-9a-f]/g, '0').slice(0, 6);
    const storeId = `W${digits.toUpperCase()}`;
    const memberId = `${digits}${'0'.repeat(18)}`;
    const start = Date.now() + DAY;
    const sales = Array.from({ length: 12 }, (_, i) => ({
      tx: `CW-${system.runId}-${String(i).padStart(2, '0')}`,
      at: new Date(start + i * 5 * DAY + (i % 4) * 37 * 60_000),
    }));
    // A second sale at the same instant as another: their tasks are due together, by id.
    sales.push({ tx: `CW-${system.runId}-03b`, at: sales[3]!.at });
    for (const { tx, at } of sales)
      await publishPurchaseRecorded({
        transactionId: tx,
        type: 'sale',
        originalTransactionId: null,
        memberId,
        storeId,
        occurredAt: at.toISOString(),
        totalCents: 5800,
        items: [
          { sku: 'ALN70', category: 'osteoporosis', rx: true, quantity: 1, unitPriceCents: 5800 },
        ],
      });
    const all = sales.flatMap(({ tx, at }) =>
      [3, 7, 14, 21, 28].map((day) => ({
        id: `followup:${tx}:d${day}`,
        dueAt: at.getTime() + day * DAY,
      })),
    );
    await until('every follow-up', async () => (await tasksOf(memberId)).length === all.length);
    const months = new Set(all.map((t) => new Date(t.dueAt).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(3);

    // Some are done: they leave the worklist.
    const done = all.filter((_, i) => i % 7 === 2).map((t) => t.id);
    for (const id of done) {
      const path = `/api/v1/care-tasks/${encodeURIComponent(id)}/complete`;
      const answer = await system.api('POST', path, { outcome: 'reached' }, ['store_clerk']);
      expect(answer.status).toBe(200);
    }
    const expected = all
      .filter((t) => !done.includes(t.id))
      .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1))
      .map((t) => t.id);

    const walk = async (query: string) => {
      const seen: string[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const after: string = next ? `&after=${encodeURIComponent(next)}` : '';
        const page = await system.api(
          'GET',
          `/api/v1/care-tasks?store=${storeId}&status=open&limit=4${query}${after}`,
        );
        expect(page.status).toBe(200);
        const items = page.body.items as { id: string; dueAt: string; status: string }[];
        expect(items.every((t) => t.status === 'open')).toBe(true);
        seen.push(...items.map((t) => t.id));
        next = page.body.next;
        pages++;
      } while (next && pages < 100);
      return seen;
    };
    const seen = await walk('');
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);

    // Due by a time: the same order, cut there.
    const dueBy = new Date(start + 30 * DAY);
    const dueSoon = await walk(`&due=${encodeURIComponent(dueBy.toISOString())}`);
    const dueAt = new Map(all.map((t) => [t.id, t.dueAt]));
    expect(dueSoon).toEqual(expected.filter((id) => dueAt.get(id)! <= dueBy.getTime()));
    expect(dueSoon.length).toBeGreaterThan(4);

    // One person's: a task reassigned to E077 is the only one on their list.
    const theirs = expected[expected.length - 3]!;
    const reassigned = await system.api(
      'POST',
      `/api/v1/care-tasks/${encodeURIComponent(theirs)}/reassign`,
      { assignee: 'E077' },
      ['desk_agent'],
    );
    expect(reassigned.status).toBe(200);
    expect(await walk('&assignee=E077')).toEqual([theirs]);

    // The listing of every status (one query of the store's tasks) agrees.
    const everything = await system.api('GET', `/api/v1/care-tasks?store=${storeId}&limit=200`);
    expect(
      (everything.body.items as { id: string; status: string }[])
        .filter((t) => t.status === 'open')
        .map((t) => t.id),
    ).toEqual(expected);
  });
});

describe('a refund that arrives before its sale', () => {
  it('the sale coming later makes no open follow-up and no reminder; redelivered, still none', async () => {
    const buyer = await member();
    const tx = `CF-${system.runId}-early`;
    const sale = alendronateSale({
      transactionId: tx,
      memberId: buyer.id,
      occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
    });
    const refund = refundOf(sale);
    // The refund first (it came through another partition, or its sale is being redelivered).
    await publishPurchaseRecorded(refund);
    await until(
      'the refund kept',
      async () =>
        (await care()
          .collection('followup_refunds')
          .countDocuments({ _id: refund.transactionId as never })) === 1,
    );
    await publishPurchaseRecorded(sale);
    await publishPurchaseRecorded(sale); // and the sale redelivered
    // A later sale behind them in the partition: once its follow-ups exist, both were consumed.
    const later = `${tx}-later`;
    await publishPurchaseRecorded({
      ...sale,
      transactionId: later,
      occurredAt: new Date().toISOString(),
    });
    await until('the later sale’s follow-ups', async () =>
      (await tasksOf(buyer.id)).some((t) => t.id === `followup:${later}:d28`),
    );
    const ofSale = (await tasksOf(buyer.id)).filter((t) => t.id.startsWith(`followup:${tx}:`));
    expect(ofSale.map((t) => [t.cause.day, t.status])).toEqual([
      [3, 'cancelled'],
      [7, 'cancelled'],
      [14, 'cancelled'],
      [21, 'cancelled'],
      [28, 'cancelled'],
    ]);
    // Refill history: the refund and the sale are on file once each, and the sale left no
    // reminder of its own: the one in force is the later sale's 28 days from its day.
    // The later sale's reminder is written after its follow-ups: wait for it too.
    const versions = await until('the later sale’s reminder', async () => {
      const all = await care()
        .collection('refill_reminders')
        .find({ memberId: buyer.id }, { sort: { version: 1 } })
        .toArray();
      return all.some((v) => v.transactionId === later) ? all : undefined;
    });
    expect(versions.map((v) => [v.transactionId, v.days, v.status])).toEqual([
      [refund.transactionId, -28, 'cancelled'],
      [tx, 28, 'cancelled'],
      [later, 28, 'open'],
    ]);
    const head = versions[2]!;
    expect(head.supplyEndsAt.getTime() - new Date(head.at).getTime()).toBe(28 * DAY);
  });
});

describe('refill reminders', () => {
  it('a refill of the same therapy moves the one reminder in force, carrying the supply forward', async () => {
    const buyer = await member();
    const first = new Date(Date.now() - 10 * DAY);
    const statin: SupplyItem = {
      sku: 'ATV20',
      name: 'Atorvastatin',
      category: 'lipids',
      rx: true,
      quantity: 1,
      unitPriceCents: 3000,
      daysSupply: 30,
    };
    await sendToPos([
      posTransaction(buyer.phone, `CR-${system.runId}-1`, [statin], {
        occurredAt: first.toISOString(),
      }),
    ]);
    const reminders = care().collection('refill_reminders');
    const v1 = await until('the first reminder', () =>
      reminders.findOne({ _id: `refill:${buyer.id}:cat-lipids:1` as never }),
    );
    expect(v1.supplyEndsAt).toEqual(new Date(first.getTime() + 30 * DAY));
    expect(v1.dueAt).toEqual(new Date(first.getTime() + 25 * DAY));

    const refillAt = new Date(first.getTime() + 8 * DAY);
    await sendToPos([
      posTransaction(buyer.phone, `CR-${system.runId}-2`, [{ ...statin, quantity: 2 }], {
        occurredAt: refillAt.toISOString(),
      }),
    ]);
    const v2 = await until('the moved reminder', () =>
      reminders.findOne({ _id: `refill:${buyer.id}:cat-lipids:2` as never }),
    );
    // 22 days still in hand on day 8, then 60 more: the supply ends on day 90.
    expect(v2.supplyEndsAt).toEqual(new Date(first.getTime() + 90 * DAY));
    expect(v2.status).toBe('open');
    // The reminder in force is the highest version. The one it replaced is not written again
    // by the consumer (a write per sale less): the sender finds version 2 before it would send
    // version 1, and marks it superseded then.
    const versions = await reminders
      .find({ memberId: buyer.id }, { sort: { version: 1 } })
      .toArray();
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [1, 'open'],
      [2, 'open'],
    ]);
    expect(v1.dueAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('keeps a due reminder due while notifications cannot take it', async () => {
    const buyer = await member();
    const soldAt = new Date(Date.now() - 27 * DAY); // 28 days' supply: due 4 days ago
    await sendToPos([
      posTransaction(buyer.phone, `CR-${system.runId}-3`, [ALENDRONATE], {
        occurredAt: soldAt.toISOString(),
      }),
    ]);
    const reminders = care().collection('refill_reminders');
    const tried = await until('a send tried', async () => {
      const doc = await reminders.findOne({ memberId: buyer.id });
      return doc?.lastError ? doc : null;
    });
    expect(tried.status).toBe('open');
    expect(tried.lastError).toMatch(/^UPSTREAM\./);
  });
});

describe('enrolment', () => {
  it('lists the seeded templates and lets an admin version one', async () => {
    const list = await system.api('GET', '/api/v1/care-plan-templates', undefined, ['store_clerk']);
    expect(list.status).toBe(200);
    const ids = list.body.items.map((t: { templateId: string }) => t.templateId);
    expect(ids).toEqual(['hypertension', 'osteoporosis', 'type2-diabetes']);
    const osteo = list.body.items.find(
      (t: { templateId: string }) => t.templateId === 'osteoporosis',
    );
    expect(osteo.steps.map((s: { offsetDays: number }) => s.offsetDays)).toEqual([
      0, 14, 21, 21, 28, 28, 42, 42, 56,
    ]);
    const refused = await system.api('POST', '/api/v1/care-plan-templates', { ...osteo }, [
      'pharmacist',
    ]);
    expect(refused.status).toBe(403);
  });

  it('needs the health-data consent, makes the steps tasks and messages, one active plan per template', async () => {
    const without = await member();
    const noConsent = await system.api(
      'POST',
      `/api/v1/members/${without.id}/care-plans`,
      {
        templateId: 'osteoporosis',
      },
      ['pharmacist'],
    );
    expect(noConsent.status).toBe(409);
    expect(noConsent.body.error.code).toBe('CARE.HEALTH_CONSENT_REQUIRED');

    const consenting = await member({ consents: { healthData: true } });
    const clerk = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans`,
      {
        templateId: 'osteoporosis',
      },
      ['store_clerk'],
    );
    expect(clerk.status).toBe(403);
    const startAt = new Date(Date.now() + DAY).toISOString();
    const enrolled = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans`,
      {
        templateId: 'osteoporosis',
        startAt,
      },
      ['pharmacist'],
    );
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({
      status: 'active',
      templateVersion: 1,
      tasks: 2,
      messages: 7,
      storeId: 'S001',
    });
    const tasks = await tasksOf(consenting.id);
    expect(tasks.map((t) => [t.kind, t.dueAt])).toEqual([
      ['guidance', startAt],
      ['review', new Date(Date.parse(startAt) + 56 * DAY).toISOString()],
    ]);
    const twice = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans`,
      {
        templateId: 'osteoporosis',
      },
      ['desk_agent'],
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('CARE.PLAN_ACTIVE');

    const planId = enrolled.body.id as string;
    const paused = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans/${planId}/transitions`,
      {
        action: 'pause',
        reason: 'in hospital',
      },
      ['pharmacist'],
    );
    expect(paused.body).toMatchObject({ status: 'paused' });
    const stopped = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans/${planId}/transitions`,
      {
        action: 'stop',
        reason: 'moved away',
      },
      ['pharmacist'],
    );
    expect(stopped.body).toMatchObject({
      status: 'stopped',
      history: [{ action: 'pause' }, { action: 'stop' }],
    });
    expect((await tasksOf(consenting.id)).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    const resumed = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans/${planId}/transitions`,
      {
        action: 'resume',
        reason: 'back',
      },
      ['pharmacist'],
    );
    expect(resumed.status).toBe(409);

    const again = await system.api(
      'POST',
      `/api/v1/members/${consenting.id}/care-plans`,
      {
        templateId: 'osteoporosis',
      },
      ['desk_agent'],
    );
    expect(again.status).toBe(201);
    const plans = await system.api(
      'GET',
      `/api/v1/members/${consenting.id}/care-plans`,
      undefined,
      ['pharmacist'],
    );
    expect(plans.body.items.map((p: { status: string }) => p.status)).toEqual([
      'active',
      'stopped',
    ]);
  });
});

describe('care-plans crashing mid-stream', () => {
  const SALES = 5000;
  const MEMBERS = 100;

  it('makes every follow-up and refill version exactly once through a SIGKILL', async () => {
    const buyers: { id: string; phone: string }[] = [];
    for (let i = 0; i < MEMBERS; i++) buyers.push(await member({ name: `随访${i}` }));
    const base = Date.now() - 40 * DAY;
    const expectedTasks = new Set<string>();
    const expectedEnds = new Map<string, number>();
    const fills = new Map<string, number>();
    const messages: { key: string; value: string }[] = [];
    for (let i = 0; i < SALES; i++) {
      const buyer = buyers[i % MEMBERS]!;
      const tx = `CK-${system.runId}-${i}`;
      const at = base + i * 60_000;
      const refill = i % 5 === 0;
      const item: SupplyItem = refill
        ? { ...ALENDRONATE, category: 'diabetes', daysSupply: 30 }
        : { ...ALENDRONATE, daysSupply: undefined };
      const sale = posTransaction(buyer.phone, tx, [item], {
        occurredAt: new Date(at).toISOString(),
      });
      messages.push(sale);
      if (i % 10 === 3) messages.push(sale); // delivered twice
      for (const day of [3, 7, 14, 21, 28]) expectedTasks.add(`followup:${tx}:d${day}`);
      if (refill) {
        const end = Math.max(expectedEnds.get(buyer.id) ?? 0, at) + 30 * DAY;
        expectedEnds.set(buyer.id, end);
        fills.set(buyer.id, (fills.get(buyer.id) ?? 0) + 1);
      }
    }
    const carePlans = system.processes.get('care-plans')!;
    await carePlans.stop();
    await carePlans.start({
      env: { FAILPOINTS: 'care-plans.followups.inserted@2', CARE_SEND_EVERY_MS: '600000' },
    });
    const tasks = care().collection('care_tasks');
    const before = await tasks.countDocuments({
      _id: { $regex: `^followup:CK-${system.runId}-` } as never,
    });
    expect(before).toBe(0);
    const half = Math.floor(messages.length / 2);
    await sendToPos(messages.slice(0, half));
    const crash = await within(
      'care-plans to crash after a run of follow-ups',
      carePlans.exited(),
      300_000,
    );
    const atKill = await tasks.countDocuments({
      'cause.transactionId': { $regex: `^CK-${system.runId}-` },
    });
    await carePlans.start({ env: { CARE_SEND_EVERY_MS: '600000' } });
    await sendToPos(messages.slice(half));

    const filter = { 'cause.transactionId': { $regex: `^CK-${system.runId}-` } };
    await until(
      'every follow-up inserted',
      async () => (await tasks.countDocuments(filter)) >= expectedTasks.size,
      400_000,
      1000,
    );
    const reminders = care().collection('refill_reminders');
    const expectedVersions = [...fills.values()].reduce((a, b) => a + b, 0);
    const memberIds = buyers.map((b) => b.id);
    await until(
      'every refill version inserted',
      async () =>
        (await reminders.countDocuments({ memberId: { $in: memberIds } })) >= expectedVersions,
      400_000,
      1000,
    );

    const ids = (await tasks.find(filter, { projection: { _id: 1 } }).toArray()).map((d) =>
      String(d._id),
    );
    const missing = [...expectedTasks].filter((id) => !ids.includes(id)).length;
    const unexpected = ids.filter((id) => !expectedTasks.has(id)).length;
    const versions = await reminders.find({ memberId: { $in: memberIds } }).toArray();
    const fillsTwice = versions.length - new Set(versions.map((v) => v.fill)).size;
    let wrongEnds = 0;
    let wrongVersions = 0;
    for (const [memberId, end] of expectedEnds) {
      const mine = versions.filter((v) => v.memberId === memberId);
      if (mine.length !== fills.get(memberId)) wrongVersions++;
      const head = mine.sort((a, b) => b.version - a.version)[0];
      if (head?.supplyEndsAt.getTime() !== end) wrongEnds++;
    }
    const report = {
      sent: messages.length,
      sales: SALES,
      expectedTasks: expectedTasks.size,
      tasks: ids.length,
      atKill,
      missing,
      unexpected,
      expectedVersions,
      versions: versions.length,
      fillsTwice,
      wrongVersions,
      wrongEnds,
    };
    console.log(`[care-fault] ${JSON.stringify(report)}`);
    expect(crash.signal).toBe('SIGKILL');
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expectedTasks.size);
    expect(report).toMatchObject({
      tasks: expectedTasks.size,
      missing: 0,
      unexpected: 0,
      versions: expectedVersions,
      fillsTwice: 0,
      wrongVersions: 0,
      wrongEnds: 0,
    });
  }, 900_000);
});
