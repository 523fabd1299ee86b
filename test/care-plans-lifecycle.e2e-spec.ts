/**
 * Care and the member's life elsewhere, through the gateway and Kafka: a withdrawn health-data
 * consent stops the plans (with the reason) and erases the readings; a merge moves plans and
 * tasks to the survivor; an erasure stops the plans and deletes the health data. What care
 * announces on care.events.v1 arrives once per fact.
 */
import { Topics } from '@crm/contracts';
import { readTopic, staffToken } from '@crm/testing';
import { sendToPos } from './support/points-stream';
import { posTransaction, type PosItem } from './support/pos-messages';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
const startedAt = new Date();

beforeAll(async () => {
  system = await startSystem(['members', 'care-plans', 'gateway'], {
    // Tasks overdue by an hour go to the store manager, looked for every second.
    env: {
      CARE_SEND_EVERY_MS: '1000',
      CARE_ESCALATE_EVERY_MS: '1000',
      CARE_ESCALATE_AFTER_MS: '3600000',
    },
  });
});

afterAll(async () => {
  await system?.stop();
});

const care = () => system.mongo.db(system.dbOf('care-plans'));

async function consenting(name = '林同意') {
  return system.registerMember({
    name,
    phone: uniquePhone('136'),
    channel: 'store',
    homeStoreId: 'S001',
    consents: { healthData: true },
  });
}

async function enrol(memberId: string, templateId = 'osteoporosis') {
  const enrolled = await system.api(
    'POST',
    `/api/v1/members/${memberId}/care-plans`,
    { templateId },
    ['pharmacist'],
  );
  expect(enrolled.status).toBe(201);
  return enrolled.body as { id: string };
}

async function plansOf(memberId: string) {
  const plans = await system.api('GET', `/api/v1/members/${memberId}/care-plans`, undefined, [
    'pharmacist',
  ]);
  expect(plans.status).toBe(200);
  return plans.body.items as {
    id: string;
    status: string;
    templateId: string;
    history: { action: string; reason: string }[];
  }[];
}

async function tasksOf(memberId: string) {
  const page = await system.api('GET', `/api/v1/care-tasks?memberId=${memberId}&limit=200`);
  expect(page.status).toBe(200);
  return page.body.items as { id: string; status: string; memberId: string }[];
}

/** care.events.v1 since the run started, parsed; stops reading once `enough` holds. */
async function careEvents(enough: (events: CareEvent[]) => boolean) {
  const parse = (m: { value: string | null }) => JSON.parse(m.value ?? '{}') as CareEvent;
  const read = await readTopic(
    Topics.careEvents,
    (messages) => enough(messages.map(parse)),
    60_000,
    startedAt,
  );
  return read.map(parse);
}
interface CareEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

describe('health-data consent withdrawn', () => {
  it('stops the plans with the reason, cancels their tasks, and announces each stop once', async () => {
    const member = await consenting();
    const plan = await enrol(member.id);
    await enrol(member.id, 'hypertension');
    expect((await tasksOf(member.id)).filter((t) => t.status === 'open').length).toBeGreaterThan(0);

    const withdrawn = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      consents: { healthData: false },
      consentChannel: 'hotline',
    });
    expect(withdrawn.status).toBe(200);
    await until('both plans stopped', async () =>
      (await plansOf(member.id)).every((p) => p.status === 'stopped'),
    );
    const plans = await plansOf(member.id);
    expect(plans).toHaveLength(2);
    for (const p of plans)
      expect(p.history).toEqual([
        expect.objectContaining({ action: 'stop', reason: 'health-data consent withdrawn' }),
      ]);
    await until('their tasks cancelled', async () =>
      (await tasksOf(member.id)).every((t) => t.status === 'cancelled'),
    );
    // A stop cancels the plan's tasks, then its messages: the second plan's may come a moment later.
    const openMessages = () =>
      care().collection('plan_messages').countDocuments({ memberId: member.id, status: 'open' });
    await until('their messages cancelled', async () => (await openMessages()) === 0);
    expect(await openMessages()).toBe(0);

    const mine = (e: CareEvent) => e.payload.memberId === member.id;
    const events = await careEvents(
      (all) => all.filter((e) => mine(e) && e.type === 'plan.stopped').length >= 2,
    );
    const types = events.filter(mine).map((e) => e.type);
    expect(types.filter((t) => t === 'plan.enrolled')).toHaveLength(2);
    expect(types.filter((t) => t === 'plan.stopped')).toHaveLength(2);
    expect(
      events.find((e) => mine(e) && e.type === 'plan.stopped' && e.payload.planId === plan.id),
    ).toMatchObject({ payload: { reason: 'health-data consent withdrawn' } });

    // Another consent change that leaves the health-data consent withdrawn stops nothing new.
    await system.api('PATCH', `/api/v1/members/${member.id}`, {
      consents: { marketing: { sms: true } },
      consentChannel: 'store',
    });
    const again = await system.api(
      'POST',
      `/api/v1/members/${member.id}/care-plans`,
      { templateId: 'osteoporosis' },
      ['pharmacist'],
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CARE.HEALTH_CONSENT_REQUIRED');
  });
});

describe('merge and erasure', () => {
  it('moves the merged record’s plans and tasks to the survivor', async () => {
    const survivor = await consenting('林留');
    const duplicate = await consenting('林去');
    await enrol(survivor.id, 'osteoporosis');
    const moved = await enrol(duplicate.id, 'hypertension');
    const duplicatePlan = await enrol(duplicate.id, 'osteoporosis');
    const duplicateTasks = (await tasksOf(duplicate.id)).length;
    const survivorTasks = (await tasksOf(survivor.id)).length;

    const merged = await system.api(
      'POST',
      `/api/v1/members/${survivor.id}/merge`,
      { duplicateId: duplicate.id },
      ['admin'],
    );
    expect(merged.status).toBeLessThan(300);
    await until('the plans moved', async () => (await plansOf(survivor.id)).length === 3);
    expect(await plansOf(duplicate.id)).toEqual([]);
    expect(await tasksOf(duplicate.id)).toEqual([]);
    expect(await tasksOf(survivor.id)).toHaveLength(survivorTasks + duplicateTasks);
    const plans = await plansOf(survivor.id);
    // The survivor keeps its own osteoporosis plan; the duplicate's one of that template stops.
    expect(plans.find((p) => p.id === moved.id)).toMatchObject({ status: 'active' });
    expect(plans.find((p) => p.id === duplicatePlan.id)).toMatchObject({ status: 'stopped' });
    expect(plans.filter((p) => p.status === 'active')).toHaveLength(2);
  });

  it('an erasure stops the plans and deletes the member’s health data here', async () => {
    const member = await consenting('林删');
    await enrol(member.id);
    const erased = await system.api('DELETE', `/api/v1/members/${member.id}`, undefined, ['admin']);
    expect(erased.status).toBeLessThan(300);
    await until('the plan stopped', async () =>
      (await plansOf(member.id)).every((p) => p.status === 'stopped'),
    );
    await until(
      'the plan’s messages gone',
      async () =>
        (await care().collection('plan_messages').countDocuments({ memberId: member.id })) === 0,
    );
    const tasks = await care().collection('care_tasks').find({ memberId: member.id }).toArray();
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.filter((t) => t.status !== 'cancelled')).toEqual([]);
    expect(tasks.filter((t) => t.contentKey !== undefined)).toEqual([]);
  });
});

describe('task.completed', () => {
  it('is announced once however often the task is completed', async () => {
    const member = await consenting('林完成');
    await enrol(member.id);
    const task = (await tasksOf(member.id))[0]!;
    const path = `/api/v1/care-tasks/${encodeURIComponent(task.id)}/complete`;
    for (let i = 0; i < 2; i++) {
      const done = await system.api('POST', path, { outcome: 'reached' }, ['pharmacist']);
      expect(done.status).toBe(200);
    }
    const events = await careEvents((all) =>
      all.some((e) => e.type === 'task.completed' && e.payload.taskId === task.id),
    );
    const completed = events.filter(
      (e) => e.type === 'task.completed' && e.payload.taskId === task.id,
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]!.payload).toMatchObject({ outcome: 'reached', memberId: member.id });
  });
});

describe('health indicators', () => {
  it('an alerting reading opens an urgent task due today and announces indicator.alert; readings are encrypted, for health roles, audited', async () => {
    const member = await consenting('林血压');
    const path = `/api/v1/members/${member.id}/health-indicators`;
    const implausible = await system.api(
      'POST',
      path,
      { bloodPressure: { systolic: 320, diastolic: 80, unit: 'mmHg' } },
      ['pharmacist'],
    );
    expect(implausible.status).toBe(400);
    expect(implausible.body.error.details).toEqual([
      { field: 'bloodPressure.systolic', reasons: [expect.stringContaining('60 and 260 mmHg')] },
    ]);
    const clerk = await system.api(
      'POST',
      path,
      { bloodPressure: { systolic: 120, diastolic: 80, unit: 'mmHg' } },
      ['store_clerk'],
    );
    expect(clerk.status).toBe(403);

    const reading = {
      measuredAt: new Date(Date.now() - 60_000).toISOString(),
      bloodPressure: { systolic: 186, diastolic: 104, unit: 'mmHg' },
      fastingGlucose: { value: 126, unit: 'mg/dL' },
    };
    const recorded = await system.api('POST', path, reading, ['pharmacist']);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      values: {
        bloodPressure: { systolic: 186, diastolic: 104 },
        fastingGlucose: { value: 6.99, unit: 'mmol/L' },
      },
      alerts: [{ indicator: 'bloodPressure', band: 'bp-crisis', level: 'urgent' }],
    });
    const again = await system.api('POST', path, reading, ['pharmacist']);
    expect(again.body.id).toBe(recorded.body.id);

    const tasks = (await tasksOf(member.id)) as unknown as {
      id: string;
      priority: string;
      storeId: string;
      assigneeRole: string;
      dueAt: string;
    }[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      id: `alert:${recorded.body.id}`,
      priority: 'urgent',
      storeId: 'S001',
      assigneeRole: 'pharmacist',
    });
    const due = Date.parse(tasks[0]!.dueAt);
    expect(due).toBeGreaterThan(Date.now());
    expect(due - Date.now()).toBeLessThan(86_400_000);

    const stored = await care()
      .collection('health_indicators')
      .find({ memberId: member.id })
      .toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.sealed).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored[0])).not.toContain('186');

    expect((await system.api('GET', path, undefined, ['store_manager'])).status).toBe(403);
    const listed = await system.api('GET', path, undefined, ['desk_agent']);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    const audit = await care().collection('health_audit').find({ memberId: member.id }).toArray();
    expect(audit.map((a) => `${a.action}:${a.purpose}`).sort()).toEqual([
      'read:health-indicators.list',
      'write:health-indicators.record',
      'write:health-indicators.record',
    ]);

    const events = await careEvents((all) =>
      all.some((e) => e.type === 'indicator.alert' && e.payload.memberId === member.id),
    );
    const alerts = events.filter(
      (e) => e.type === 'indicator.alert' && e.payload.memberId === member.id,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.payload).toMatchObject({
      band: 'bp-crisis',
      level: 'urgent',
      storeId: 'S001',
    });
    expect(JSON.stringify(alerts[0])).not.toContain('186');

    // Withdrawing the consent erases the readings held here.
    await system.api('PATCH', `/api/v1/members/${member.id}`, {
      consents: { healthData: false },
      consentChannel: 'store',
    });
    await until(
      'the readings erased',
      async () =>
        (await care().collection('health_indicators').countDocuments({ memberId: member.id })) ===
        0,
    );
  });
});

describe('adherence', () => {
  it('PDC per therapy class from the refills; under 0.8 opens one outreach task and one adherence.low', async () => {
    const member = await consenting('林依从');
    const DAY = 86_400_000;
    const now = Date.now();
    const item = {
      sku: 'AML5',
      name: 'Amlodipine 5mg x30',
      category: 'hypertension',
      atc: 'C08CA01',
      rx: true,
      quantity: 1,
      unitPriceCents: 3200,
      daysSupply: 30,
    };
    // Fills 89 and 29 days ago over a 90-day window: 60 of 90 days covered.
    await sendToPos(
      [89, 29].map((ago, i) =>
        posTransaction(member.phone, `ADH-${system.runId}-${i}`, [item], {
          occurredAt: new Date(now - ago * DAY).toISOString(),
        }),
      ),
    );
    await until(
      'both fills recorded',
      async () =>
        (await care().collection('refill_reminders').countDocuments({ memberId: member.id })) === 2,
    );
    const from = new Date(now - 89 * DAY).toISOString();
    const to = new Date(now).toISOString();
    const path = `/api/v1/members/${member.id}/adherence?from=${from}&to=${to}`;
    expect((await system.api('GET', path, undefined, ['store_clerk'])).status).toBe(403);
    const first = await system.api('GET', path, undefined, ['pharmacist']);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      expect.objectContaining({
        therapy: 'atc-C08CA',
        coveredDays: 60,
        periodDays: 90,
        pdc: 0.667,
        fills: 2,
        low: true,
      }),
    ]);
    await system.api('GET', path, undefined, ['pharmacist']);
    const outreach = (await tasksOf(member.id)).filter((t) => t.id.startsWith('adherence:'));
    expect(outreach).toHaveLength(1);
    expect(outreach[0]!.id).toBe(first.body.items[0].outreachTaskId);
    const events = await careEvents((all) =>
      all.some((e) => e.type === 'adherence.low' && e.payload.memberId === member.id),
    );
    expect(
      events.filter((e) => e.type === 'adherence.low' && e.payload.memberId === member.id),
    ).toHaveLength(1);
    const inverted = await system.api(
      'GET',
      `/api/v1/members/${member.id}/adherence?from=${to}&to=${from}`,
      undefined,
      ['pharmacist'],
    );
    expect(inverted.status).toBe(400);
  });
});

describe('worklists', () => {
  it('escalates overdue tasks once, lets the store reassign them, and counts them by store and staff', async () => {
    const member = await consenting('林工作');
    const DAY = 86_400_000;
    const saleAt = new Date(Date.now() - 10 * DAY);
    const tx = `WL-${system.runId}`;
    await sendToPos([
      posTransaction(
        member.phone,
        tx,
        [
          {
            sku: 'ALN70',
            name: 'Alendronate',
            category: 'osteoporosis',
            rx: true,
            quantity: 1,
            unitPriceCents: 5800,
          },
        ],
        { occurredAt: saleAt.toISOString(), storeId: 'S001' },
      ),
    ]);
    // Days 3 and 7 are overdue by days: both go to the store manager; 14, 21, 28 are not due.
    const escalated = async () => {
      const page = await system.api(
        'GET',
        `/api/v1/care-tasks?memberId=${member.id}&status=escalated&store=S001`,
      );
      return page.body.items as { id: string; escalatedTo?: string; assignee?: string }[];
    };
    await until('days 3 and 7 escalated', async () => (await escalated()).length === 2);
    expect((await escalated()).map((t) => [t.id, t.escalatedTo])).toEqual([
      [`followup:${tx}:d3`, 'store_manager'],
      [`followup:${tx}:d7`, 'store_manager'],
    ]);
    const open = await system.api('GET', `/api/v1/care-tasks?memberId=${member.id}&status=open`);
    expect(open.body.items).toHaveLength(3);
    // The store's worklists, read slot by slot: the two are on its escalated list, not its open one.
    const storeList = async (status: string) => {
      const page = await system.api(
        'GET',
        `/api/v1/care-tasks?store=S001&status=${status}&limit=200`,
      );
      expect(page.status).toBe(200);
      return (page.body.items as { id: string }[])
        .map((t) => t.id)
        .filter((id) => id.startsWith(`followup:${tx}:`));
    };
    expect(await storeList('escalated')).toEqual([`followup:${tx}:d3`, `followup:${tx}:d7`]);
    expect(await storeList('open')).toEqual([14, 21, 28].map((d) => `followup:${tx}:d${d}`));

    const d3 = encodeURIComponent(`followup:${tx}:d3`);
    const otherStore = await system.api(
      'POST',
      `/api/v1/care-tasks/${d3}/reassign`,
      { assignee: 'E900' },
      { token: await staffToken(['store_manager'], { storeId: 'S002', sub: 'M-S002' }) },
    );
    expect(otherStore.status).toBe(403);
    const manager = {
      token: await staffToken(['store_manager'], { storeId: 'S001', sub: 'M-S001' }),
    };
    const reassigned = await system.api(
      'POST',
      `/api/v1/care-tasks/${d3}/reassign`,
      { assignee: 'E042', reason: 'covers calls this week' },
      manager,
    );
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ assignee: 'E042', status: 'escalated' });
    const mine = await system.api('GET', `/api/v1/care-tasks?assignee=E042&memberId=${member.id}`);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([`followup:${tx}:d3`]);
    const done = await system.api(
      'POST',
      `/api/v1/care-tasks/${d3}/complete`,
      { outcome: 'reached' },
      { token: await staffToken(['pharmacist'], { storeId: 'S001', sub: 'E042' }) },
    );
    expect(done.body).toMatchObject({ status: 'done' });
    expect(await storeList('escalated')).toEqual([`followup:${tx}:d7`]);
    expect(
      (await system.api('POST', `/api/v1/care-tasks/${d3}/reassign`, { assignee: 'E043' }, manager))
        .status,
    ).toBe(409);

    const events = await careEvents(
      (all) =>
        all.filter((e) => e.type === 'task.escalated' && e.payload.memberId === member.id).length >=
        2,
    );
    expect(
      events.filter((e) => e.type === 'task.escalated' && e.payload.memberId === member.id),
    ).toHaveLength(2);
    expect(
      await care()
        .collection('task_escalations')
        .countDocuments({ taskId: { $regex: `^followup:${tx}:` } }),
    ).toBe(2);

    // Figures over the two overdue days only: one done late by E042, one overdue.
    const period = `from=${new Date(saleAt.getTime() + 2 * DAY).toISOString()}&to=${new Date(saleAt.getTime() + 8 * DAY).toISOString()}`;
    const byStaff = await system.api(
      'GET',
      `/api/v1/analytics/care?${period}&by=staff`,
      undefined,
      manager,
    );
    expect(byStaff.status).toBe(200);
    expect(byStaff.body.rows.find((r: { key: string }) => r.key === 'E042')).toMatchObject({
      tasks: 1,
      done: 1,
      doneOnTime: 0,
      escalated: 1,
      outcomes: { reached: 1 },
    });
    const byStore = await system.api(
      'GET',
      `/api/v1/analytics/care?${period}&by=store`,
      undefined,
      ['hq_analyst'],
    );
    const s001 = byStore.body.rows.find((r: { key: string }) => r.key === 'S001');
    expect(s001.done).toBeGreaterThanOrEqual(1);
    expect(s001.overdue).toBeGreaterThanOrEqual(1);
    expect(
      (await system.api('GET', `/api/v1/analytics/care?${period}`, undefined, ['store_clerk']))
        .status,
    ).toBe(403);
  });
});

describe('safety check', () => {
  it('warns from the member’s allergies and regular medications kept by members, for health roles', async () => {
    const member = await system.registerMember({
      name: '林安全',
      phone: uniquePhone('135'),
      channel: 'store',
      homeStoreId: 'S001',
      consents: { healthData: true },
      health: {
        allergies: [{ allergen: 'penicillin', reaction: 'rash' }],
        medications: [{ name: 'warfarin 3mg', atc: 'B01AA03' }],
      },
    });
    const path = `/api/v1/members/${member.id}/safety-check`;
    const basket = {
      products: [
        { sku: 'IBU400', atc: 'M01AE01', category: 'pain-relief' },
        { sku: 'AMX500', atc: 'J01CA04', category: 'antibiotics' },
        { sku: 'VITC', category: 'vitamins' },
      ],
    };
    expect((await system.api('POST', path, basket, ['store_clerk'])).status).toBe(403);
    const checked = await system.api('POST', path, basket, ['pharmacist']);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({
      healthKnown: true,
      allergies: 1,
      medications: 1,
      unchecked: ['VITC'],
    });
    expect(
      checked.body.warnings.map((w: { rule: string; sku: string }) => `${w.rule}:${w.sku}`),
    ).toEqual(['allergy-penicillin:AMX500', 'nsaid-anticoagulant:IBU400']);
    const audit = await care()
      .collection('health_audit')
      .countDocuments({ memberId: member.id, purpose: 'safety-check' });
    expect(audit).toBe(1);
  });

  it('plan steps recommend only what the check passes, and say what was kept back and why', async () => {
    const template = {
      templateId: 'joint-pain',
      name: { 'zh-CN': '关节疼痛管理', en: 'Joint pain care' },
      condition: 'arthritis',
      steps: [
        {
          offsetDays: 0,
          kind: 'guidance',
          actor: 'pharmacist',
          contentKey: 'joint-pain.w0.pain-relief',
          content: { 'zh-CN': '止痛用药指导', en: 'Pain relief guidance' },
          products: [
            { sku: 'IBU400', atc: 'M01AE01', category: 'pain-relief' },
            { sku: 'PCM500', atc: 'N02BE01', category: 'pain-relief' },
          ],
        },
        {
          offsetDays: 7,
          kind: 'reminder',
          actor: 'member',
          contentKey: 'joint-pain.w1.pain-relief',
          content: { 'zh-CN': '止痛药提醒', en: 'Pain relief reminder' },
          products: [{ sku: 'IBU400', atc: 'M01AE01', category: 'pain-relief' }],
        },
        {
          offsetDays: 14,
          kind: 'call',
          actor: 'store',
          contentKey: 'joint-pain.w2.call',
          content: { 'zh-CN': '回访', en: 'Check-in call' },
        },
      ],
    };
    const saved = await system.api('POST', '/api/v1/care-plan-templates', template, ['admin']);
    expect(saved.status).toBe(201);
    const onWarfarin = await system.registerMember({
      name: '林华法林',
      phone: uniquePhone('135'),
      channel: 'store',
      homeStoreId: 'S001',
      consents: { healthData: true },
      health: { allergies: [], medications: [{ name: 'warfarin 3mg', atc: 'B01AA03' }] },
    });
    const plan = await enrol(onWarfarin.id, 'joint-pain');
    const tasks = await care()
      .collection('care_tasks')
      .find({ planId: plan.id }, { sort: { dueAt: 1 } })
      .toArray();
    expect(
      tasks.map((t) => [
        t.contentKey,
        t.products,
        t.heldBack?.map((h: { sku: string; rule: string }) => `${h.sku}:${h.rule}`),
      ]),
    ).toEqual([
      ['joint-pain.w0.pain-relief', ['PCM500'], ['IBU400:nsaid-anticoagulant']],
      ['joint-pain.w2.call', undefined, undefined],
    ]);
    // The worklist shows the task's recommendation and why ibuprofen is not in it.
    const listed = (await tasksOf(onWarfarin.id)) as unknown as {
      id: string;
      products?: string[];
      heldBack?: { sku: string; message: string }[];
    }[];
    const guidance = listed.find((t) => t.id === String(tasks[0]!._id))!;
    expect(guidance.products).toEqual(['PCM500']);
    expect(guidance.heldBack![0]!.message).toMatch(/bleeding/i);
    const [message] = await care().collection('plan_messages').find({ planId: plan.id }).toArray();
    expect(message).toMatchObject({
      products: [],
      heldBack: [expect.objectContaining({ sku: 'IBU400', rule: 'nsaid-anticoagulant' })],
    });
    expect(
      await care()
        .collection('health_audit')
        .countDocuments({ memberId: onWarfarin.id, purpose: 'plan.safety-check' }),
    ).toBe(1);

    // An NSAID allergy, enrolled by a desk agent (a health role too): the allergy keeps
    // ibuprofen back the same way, and the member who takes nothing gets both.
    const allergic = await system.registerMember({
      name: '林过敏',
      phone: uniquePhone('135'),
      channel: 'store',
      homeStoreId: 'S001',
      consents: { healthData: true },
      health: { allergies: [{ allergen: 'nsaid', reaction: 'asthma' }], medications: [] },
    });
    const clean = await consenting('林无药');
    const steps = async (memberId: string) => {
      const enrolled = await system.api(
        'POST',
        `/api/v1/members/${memberId}/care-plans`,
        { templateId: 'joint-pain' },
        ['desk_agent'],
      );
      expect(enrolled.status).toBe(201);
      return care()
        .collection('care_tasks')
        .findOne({ planId: enrolled.body.id, contentKey: 'joint-pain.w0.pain-relief' });
    };
    const forAllergic = await steps(allergic.id);
    expect(forAllergic!.products).toEqual(['PCM500']);
    expect(forAllergic!.heldBack.map((h: { rule: string }) => h.rule)).toEqual(['allergy-nsaid']);
    expect(await steps(clean.id)).toMatchObject({ products: ['IBU400', 'PCM500'], heldBack: [] });
  });
});

describe('cadence and stopped members', () => {
  it('schedules the month’s contacts of the tier once, and the right task for a member who stopped', async () => {
    const member = await consenting('林节奏');
    // 90 days' supply bought 20 days ago: runs out in 70 days → within 3 months.
    await sendToPos([
      posTransaction(
        member.phone,
        `CAD-${system.runId}`,
        [
          // POS lines may carry their ATC code and days of supply (v1 extension).
          {
            sku: 'AML5',
            name: 'Amlodipine',
            category: 'otc',
            atc: 'C08CA01',
            rx: true,
            quantity: 3,
            unitPriceCents: 3200,
            daysSupply: 30,
          } as PosItem,
        ],
        { occurredAt: new Date(Date.now() - 20 * 86_400_000).toISOString() },
      ),
    ]);
    await until(
      'the fill recorded',
      async () =>
        (await care().collection('refill_reminders').countDocuments({ memberId: member.id })) === 1,
    );
    const view = await system.api('GET', `/api/v1/members/${member.id}/cadence`, undefined, [
      'store_clerk',
    ]);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ basis: 'supply', tier: 'within_3_months' });
    expect(view.body.contacts.map((c: { kind: string }) => c.kind)).toEqual([
      'call',
      'call',
      'visit',
      'call',
      'call',
      'visit',
    ]);
    const path = `/api/v1/members/${member.id}/cadence/schedule`;
    for (let i = 0; i < 2; i++)
      expect((await system.api('POST', path, undefined, ['pharmacist'])).body.tasks).toHaveLength(
        6,
      );
    expect(
      await care()
        .collection('care_tasks')
        .countDocuments({ memberId: member.id, 'cause.type': 'cadence' }),
    ).toBe(6);

    const stopped = await system.api(
      'POST',
      `/api/v1/members/${member.id}/stopped`,
      { reason: 'quality', note: 'says the last box was damp' },
      ['store_clerk'],
    );
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      kind: 'visit',
      priority: 'urgent',
      assigneeRole: 'store_manager',
      storeId: 'S001',
    });
  });
});
