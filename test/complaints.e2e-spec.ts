/**
 * Complaints end to end, through the gateway, Kafka and loyalty: intake with its SLA due times
 * (idempotent on its key), the whole lifecycle with its history, invalid and concurrent
 * transitions, compensation exactly once across a SIGKILL on either side of loyalty's answer
 * and across a reopen, a batch alert, an adverse-reaction case, and store scoping.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topics } from '@crm/contracts';
import { readTopic, staffToken } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let memberId: string;
const startedAt = new Date();
const runId = randomUUID().slice(0, 8);
let keySeq = 0;
const key = () => `${runId}-complaint-${++keySeq}`;

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'complaints', 'gateway'], {
    env: { COMPLAINTS_RECOVERY_EVERY_MS: '1000', COMPLAINTS_EFFECTS_LEASE_MS: '3000' },
  });
  const definition = await system.api(
    'POST',
    '/api/v1/loyalty/coupon-definitions',
    { name: '¥10 sorry', purpose: 'compensation', amountOffCents: 1000, validDaysAfterIssue: 90 },
    ['admin'],
  );
  expect(definition.status).toBe(201);
  memberId = (
    await system.registerMember({
      name: '李娜',
      phone: uniquePhone('136'),
      channel: 'store',
      homeStoreId: 'S001',
    })
  ).id;
});

afterAll(async () => {
  await system?.stop();
});

const complaint = (extra: Record<string, unknown> = {}) => ({
  memberId,
  channel: 'store',
  category: 'service',
  severity: 'medium',
  storeId: 'S001',
  transactionId: 'S001-20261203-000042',
  description: 'Waited twenty minutes at the counter\nand nobody helped',
  ...extra,
});

type As = string[] | { token: string | null };

async function receive(body: Record<string, unknown>, as: As = ['store_clerk']) {
  const created = await system.api('POST', '/api/v1/complaints', body, as, {
    'Idempotency-Key': key(),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; version: number; status: string };
}

const move = (id: string, body: Record<string, unknown>, as: As = ['desk_agent']) =>
  system.api('POST', `/api/v1/complaints/${id}/transitions`, body, as);

async function tokenOf(roles: string[], storeId?: string) {
  return {
    token: await staffToken(roles, { ...(storeId ? { storeId } : {}), sub: `E-${storeId}` }),
  };
}

async function compensationCoupons(caseKey: string) {
  return system.mongo
    .db(system.dbOf('loyalty'))
    .collection('coupons')
    .find({ cause: `compensation:${caseKey}` })
    .toArray();
}

describe('intake', () => {
  it('takes a complaint at once with its SLA due times, once per Idempotency-Key', async () => {
    const idempotencyKey = key();
    const first = await system.api('POST', '/api/v1/complaints', complaint(), ['store_clerk'], {
      'Idempotency-Key': idempotencyKey,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.stringMatching(/^C[0-9A-Z]{12}$/),
      status: 'accepted',
      version: 1,
      memberId,
      storeId: 'S001',
      allowedActions: ['investigate', 'resolve'],
      sla: { paused: false, breached: [], firstRespondedAt: null },
    });
    const { firstResponseDueAt, resolutionDueAt } = first.body.sla;
    expect(Date.parse(firstResponseDueAt)).toBeGreaterThan(Date.parse(first.body.receivedAt));
    expect(Date.parse(resolutionDueAt)).toBeGreaterThan(Date.parse(firstResponseDueAt));
    const again = await system.api('POST', '/api/v1/complaints', complaint(), ['store_clerk'], {
      'Idempotency-Key': idempotencyKey,
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.history).toHaveLength(1);
  });

  it('takes anonymous complaints and refuses bad input with field reasons', async () => {
    const { memberId: _m, ...anonymous } = complaint();
    expect((await receive(anonymous)).status).toBe('accepted');
    const bad = await system.api(
      'POST',
      '/api/v1/complaints',
      { channel: 'fax', category: 'quality', severity: 'urgent', description: 'a\u202Eb' },
      ['store_clerk'],
      { 'Idempotency-Key': key() },
    );
    expect(bad.status).toBe(400);
    const fields = (bad.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['channel', 'description', 'severity', 'storeId']);
    const noKey = await system.api('POST', '/api/v1/complaints', complaint(), ['store_clerk']);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.details).toEqual([
      expect.objectContaining({ field: 'idempotencyKey' }),
    ]);
  });
});

describe('workflow', () => {
  it('runs accepted → investigating → resolved → closed and keeps every step', async () => {
    const { id } = await receive(complaint());
    expect((await move(id, { action: 'investigate', note: 'Checked the rota' })).status).toBe(200);
    expect((await move(id, { action: 'await_member' })).body.sla.paused).toBe(true);
    expect((await move(id, { action: 'member_replied' })).body.sla.paused).toBe(false);
    const resolved = await move(
      id,
      {
        action: 'resolve',
        resolution: 'Apologised; coached the shift',
        remedies: ['apology', 'staff_coaching'],
      },
      ['store_manager'],
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      allowedActions: ['close', 'reopen', 'feedback'],
    });
    expect((await move(id, { action: 'feedback', satisfaction: 4 })).status).toBe(200);
    const twice = await move(id, { action: 'feedback', satisfaction: 5 });
    expect(twice.status).toBe(409);
    expect((await move(id, { action: 'close' })).status).toBe(200);
    const reopened = await move(id, { action: 'reopen', note: 'The member called again' });
    expect(reopened.body.status).toBe('investigating');

    const read = await system.api('GET', `/api/v1/complaints/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'investigating', satisfaction: 4, version: 8 });
    expect(read.body.sla.firstRespondedAt).toEqual(expect.any(String));
    expect(
      read.body.history.map((h: { action: string; before: string; after: string }) => [
        h.action,
        h.before,
        h.after,
      ]),
    ).toEqual([
      ['receive', null, 'accepted'],
      ['investigate', 'accepted', 'investigating'],
      ['await_member', 'investigating', 'investigating'],
      ['member_replied', 'investigating', 'investigating'],
      ['resolve', 'investigating', 'resolved'],
      ['feedback', 'resolved', 'resolved'],
      ['close', 'resolved', 'closed'],
      ['reopen', 'closed', 'investigating'],
    ]);
    expect(read.body.history[0]).toMatchObject({
      actor: 'E-test',
      role: 'store_clerk',
      actorStoreId: 'S001',
    });
    expect(read.body.history[1]).toMatchObject({ role: 'desk_agent', note: 'Checked the rota' });
    expect(read.body.history[4]).toMatchObject({
      role: 'store_manager',
      details: {
        resolution: 'Apologised; coached the shift',
        remedies: ['apology', 'staff_coaching'],
      },
    });

    // The list (the projection) shows the case as it now stands.
    const listed = await until('the case listed as investigating', async () => {
      const page = await system.api(
        'GET',
        `/api/v1/complaints?status=investigating&store=S001&limit=100`,
      );
      return page.body.items?.find(
        (c: { id: string; version: number }) => c.id === id && c.version === 8,
      );
    });
    expect(listed.history).toBeUndefined();
  });

  it('refuses an action the state does not allow with a 409 naming the allowed ones', async () => {
    const { id } = await receive(complaint());
    const refused = await move(id, { action: 'close' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'COMPLAINT.TRANSITION_NOT_ALLOWED',
      details: [
        expect.objectContaining({ status: 'accepted', allowed: ['investigate', 'resolve'] }),
      ],
    });
    expect((await move(id, { action: 'resolve' })).status).toBe(400); // resolution missing
    expect((await move(id, { action: 'fly' })).status).toBe(400);
    expect((await system.api('GET', '/api/v1/complaints/CZZZZZZZZZZZZ')).status).toBe(404);
  });

  it('lets exactly one of two concurrent transitions win, across two replicas', async () => {
    // A second complaints process on the same database and queue group: the gateway's requests
    // spread over both, so the two steps of a round are often decided by different processes.
    const sibling = await system.processes.get('complaints')!.sibling();
    await sibling.start();
    try {
      const outcomes: string[][] = [];
      for (let round = 0; round < 8; round++) {
        const { id } = await receive(complaint());
        // The same action twice: one inserts the next version; the other loses the race (409
        // COMPLAINT.CHANGED) or, if it came second, finds the case resolved (409 not allowed).
        const both = await Promise.all([
          move(id, { action: 'resolve', resolution: 'Refunded at the till' }),
          move(id, { action: 'resolve', resolution: 'Exchanged the box' }),
        ]);
        expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
        const loser = both.find((r) => r.status === 409)!;
        outcomes.push([String(both.find((r) => r.status === 200)!.status), loser.body.error.code]);
        expect(['COMPLAINT.CHANGED', 'COMPLAINT.TRANSITION_NOT_ALLOWED']).toContain(
          loser.body.error.code,
        );
        expect(loser.body.error.details[0]).toMatchObject({
          status: 'resolved',
          allowed: expect.arrayContaining(['close', 'reopen']),
        });
        const read = await system.api('GET', `/api/v1/complaints/${id}`);
        expect(read.body.history).toHaveLength(2);
        expect(read.body.version).toBe(2);
      }
      console.log('concurrent resolves (winner, loser code) per round:', JSON.stringify(outcomes));
    } finally {
      await sibling.stop();
    }
  });
});

describe('compensation exactly once', () => {
  const complaints = () => system.processes.get('complaints')!;

  async function crashAt(failpoint: string, id: string) {
    await complaints().stop();
    await complaints().start({ env: { FAILPOINTS: failpoint } });
    const answer = await move(
      id,
      { action: 'resolve', resolution: 'Exchanged the box', compensation: { kind: 'coupon' } },
      ['store_manager'],
    );
    expect([503, 504]).toContain(answer.status);
    expect((await complaints().exited()).signal).toBe('SIGKILL');
    await complaints().start();
  }

  it.each(['complaints.compensation.decided', 'complaints.compensation.granted'])(
    'gives one coupon when complaints is killed at %s, and none more on a reopen',
    async (failpoint) => {
      const { id } = await receive(complaint({ category: 'quality', severity: 'high' }));
      await crashAt(failpoint, id);
      const granted = await until(`the compensation of ${id} confirmed`, async () => {
        const read = await system.api('GET', `/api/v1/complaints/${id}`);
        return read.body.compensations?.[0]?.state === 'granted' ? read.body : null;
      });
      expect(granted).toMatchObject({
        status: 'resolved',
        compensations: [
          { kind: 'coupon', round: 1, key: `compensation:${id}`, couponCode: expect.any(String) },
        ],
      });
      expect(await compensationCoupons(id)).toHaveLength(1);
      // The kill left the step's projection undone too: the restarted process's recovery pass
      // applies it once the killed process's page of the effects journal has lapsed.
      await until(`${id} listed as resolved`, async () => {
        const page = await system.api('GET', `/api/v1/complaints?status=resolved&store=S001`);
        return page.body.items?.find(
          (c: { id: string; version: number }) => c.id === id && c.version === 2,
        );
      });

      // Resolved, reopened and resolved again: no second compensation unless asked for.
      expect((await move(id, { action: 'reopen' })).status).toBe(200);
      const again = await move(
        id,
        { action: 'resolve', resolution: 'Exchanged again', compensation: { kind: 'coupon' } },
        ['store_manager'],
      );
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('COMPLAINT.ALREADY_COMPENSATED');
      const plain = await move(id, { action: 'resolve', resolution: 'Exchanged again' }, [
        'store_manager',
      ]);
      expect(plain.status).toBe(200);
      expect(plain.body.compensations).toHaveLength(1);
      await sleep(1500); // a recovery pass or two
      expect(await compensationCoupons(id)).toHaveLength(1);
      const coupons = await system.api('GET', `/api/v1/members/${memberId}/coupons`);
      expect(
        coupons.body.items.filter(
          (c: { code: string }) => c.code === granted.compensations[0].couponCode,
        ),
      ).toHaveLength(1);
    },
  );

  it('gives a further compensation only when a person asks for it, under its own key', async () => {
    const { id } = await receive(complaint());
    const first = await move(
      id,
      { action: 'resolve', resolution: 'Sorry', compensation: { kind: 'points', points: 100 } },
      ['desk_agent'],
    );
    expect(first.body.compensations).toEqual([
      expect.objectContaining({
        kind: 'points',
        points: 100,
        key: `complaint:${id}`,
        state: 'granted',
      }),
    ]);
    await move(id, { action: 'reopen' });
    const second = await move(
      id,
      {
        action: 'resolve',
        resolution: 'Sorry again',
        compensation: { kind: 'coupon', additional: true },
      },
      ['desk_agent'],
    );
    expect(second.status).toBe(200);
    expect(second.body.compensations[1]).toMatchObject({
      round: 2,
      key: `compensation:${id}:2`,
      state: 'granted',
    });
    expect(await compensationCoupons(`${id}:2`)).toHaveLength(1);
    const entries = await system.mongo
      .db(system.dbOf('loyalty'))
      .collection('points_entries')
      .find({ _id: `adjust:${memberId}:complaint:${id}` as never })
      .toArray();
    expect(entries.map((e) => e.points)).toEqual([100]);
    // A clerk resolves but does not compensate.
    const { id: other } = await receive(complaint());
    const clerk = await move(
      other,
      { action: 'resolve', resolution: 'x', compensation: { kind: 'coupon' } },
      ['store_clerk'],
    );
    expect(clerk.status).toBe(403);
  });
});

describe('quality and safety', () => {
  it('links complaints on one SKU and batch and raises batch.alert once at the threshold', async () => {
    const sku = '6901234567890';
    const batch = `B-${runId}`;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await receive(complaint({ category: 'quality', sku, batch }))).id);
    const read = await system.api('GET', `/api/v1/complaints/${ids[3]}`);
    expect(read.body.linkedCases.sort()).toEqual(ids.slice(0, 3).sort());
    const listed = await system.api('GET', `/api/v1/complaints?batch=${batch}`);
    expect(listed.body.items).toHaveLength(4);

    const hasAlert = (messages: { value: string | null }[]) =>
      messages.some((m) => m.value?.includes(batch) && m.value.includes('batch.alert'));
    await readTopic(Topics.complaintsEvents, hasAlert, 30000, startedAt);
    // Later complaints and recovery passes raise nothing more: read the topic again after them.
    await sleep(2500);
    const again = await readTopic(Topics.complaintsEvents, hasAlert, 30000, startedAt);
    const batchAlerts = again
      .map((m) => JSON.parse(m.value!))
      .filter((e) => e.type === 'batch.alert' && e.payload.batch === batch);
    expect(new Set(batchAlerts.map((e) => e.id)).size).toBe(1);
    expect(batchAlerts[0].payload).toMatchObject({ sku, batch, complaints: 3, windowDays: 30 });
    const stored = await system.mongo
      .db(system.dbOf('complaints'))
      .collection('batch_alerts')
      .find({ batch })
      .toArray();
    expect(stored).toHaveLength(1);
  });

  it('escalates an adverse reaction to a pharmacist at once with its reporting deadline', async () => {
    const missing = await system.api(
      'POST',
      '/api/v1/complaints',
      complaint({ category: 'adverse_reaction' }),
      ['store_clerk'],
      { 'Idempotency-Key': key() },
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      expect.objectContaining({ field: 'adverseReaction' }),
    ]);
    const created = await receive(
      complaint({
        category: 'adverse_reaction',
        severity: 'critical',
        sku: '6900000000011',
        batch: `ADR-${runId}`,
        adverseReaction: {
          drug: 'Amoxicillin 500mg',
          onsetAt: new Date(Date.now() - 3_600_000).toISOString(),
          reaction: 'Hives and swelling of the lips',
          serious: true,
          outcome: 'recovering',
        },
      }),
    );
    const view = created as unknown as {
      id: string;
      receivedAt: string;
      adverseReaction: { reportDueAt: string; escalatedTo: string; drug: string; serious: boolean };
      history: { details?: { escalatedTo?: string } }[];
    };
    expect(view.adverseReaction).toMatchObject({
      drug: 'Amoxicillin 500mg',
      serious: true,
      escalatedTo: 'pharmacist',
    });
    expect(Date.parse(view.adverseReaction.reportDueAt) - Date.parse(view.receivedAt)).toBe(
      3 * 86_400_000,
    );
    expect(view.history[0].details?.escalatedTo).toBe('pharmacist');
    expect((await move(view.id, { action: 'investigate' }, ['store_clerk'])).status).toBe(403);
    expect((await move(view.id, { action: 'investigate' }, ['pharmacist'])).status).toBe(200);
    const received = await readTopic(
      Topics.complaintsEvents,
      (messages) => messages.some((m) => m.key === view.id),
      30000,
      startedAt,
    );
    const event = received.map((m) => JSON.parse(m.value!)).find((e) => e.key === view.id);
    expect(event).toMatchObject({
      type: 'complaint.received',
      payload: { escalatedTo: 'pharmacist', category: 'adverse_reaction' },
    });
    expect(JSON.stringify(event)).not.toContain('Hives');
  });
});

describe('store scoping', () => {
  it("keeps a store's cases from other stores' staff and single cases from hq_analyst", async () => {
    const { id } = await receive(complaint());
    const otherClerk = await tokenOf(['store_clerk'], 'S002');
    const read = await system.api('GET', `/api/v1/complaints/${id}`, undefined, otherClerk);
    expect(read.status).toBe(403);
    expect(read.body.error.code).toBe('ACCESS.OTHER_STORE');
    expect((await move(id, { action: 'investigate' }, otherClerk)).status).toBe(403);
    const take = await system.api('POST', '/api/v1/complaints', complaint(), otherClerk, {
      'Idempotency-Key': key(),
    });
    expect(take.status).toBe(403);
    const list = await system.api('GET', '/api/v1/complaints?store=S001', undefined, otherClerk);
    expect(list.status).toBe(403);
    const own = await system.api('GET', '/api/v1/complaints?limit=100', undefined, otherClerk);
    expect(own.status).toBe(200);
    expect(own.body.items.every((c: { storeId: string }) => c.storeId === 'S002')).toBe(true);
    expect(
      (await system.api('GET', `/api/v1/complaints/${id}`, undefined, ['hq_analyst'])).status,
    ).toBe(403);
    const sameStore = await system.api('GET', `/api/v1/complaints/${id}`, undefined, [
      'store_clerk',
    ]);
    expect(sameStore.status).toBe(200);
  });
});
