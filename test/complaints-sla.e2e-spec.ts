/**
 * SLA clocks end to end, with the complaints process's clock moved by the test
 * (COMPLAINTS_TEST_CLOCK_FILE, honoured only under NODE_ENV=test): the reminder before the
 * first-response target, then the missed target escalating store manager → region → HQ, each
 * step once in the case's history and once as `sla.breached` on Kafka; a case answered in time
 * is not escalated; the `breached=` and `assignee=` list filters.
 *
 * The SLA policies as data through their admin API: read, refused with field reasons, replaced,
 * and the next case counting from them.
 *
 * Due times are checked against an independent computation of the stores' default hours
 * (08:30–22:00 every day, UTC+8) here, not the service's calendar code.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@crm/contracts';
import { readTopic } from '@crm/testing';
import { startSystem, until, type TestSystem } from './support/system';

let system: TestSystem;
const startedAt = new Date();
const runId = randomUUID().slice(0, 8);
const clockDir = mkdtempSync(join(tmpdir(), 'complaints-clock-'));
const clockFile = join(clockDir, 'clock.json');
let keySeq = 0;

const MINUTE = 60_000;
const OFFSET = 8 * 60 * MINUTE;
const OPEN = 8 * 60 + 30; // 08:30 local, in minutes of the day
const CLOSE = 22 * 60; // 22:00

/** `minutes` of store opening time after `from` (a plain walk over the days: the oracle). */
function addStoreMinutes(from: Date, minutes: number, hours = { open: OPEN, close: CLOSE }): Date {
  let t = from.getTime();
  let left = minutes * MINUTE;
  for (;;) {
    const local = t + OFFSET;
    const dayStart = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
    const open = dayStart + hours.open * MINUTE;
    const close = dayStart + hours.close * MINUTE;
    if (local < open) t = open - OFFSET;
    else if (local >= close) t = open + 86_400_000 - OFFSET;
    else {
      const take = Math.min(left, close - local);
      t += take;
      left -= take;
      if (left === 0) return new Date(t);
    }
  }
}

/** Moves the complaints process's "now" to `at` (written whole, then renamed into place). */
function setClock(at: Date): void {
  const next = `${clockFile}.next`;
  writeFileSync(next, JSON.stringify({ offsetMs: at.getTime() - Date.now() }));
  renameSync(next, clockFile);
}

beforeAll(async () => {
  writeFileSync(clockFile, JSON.stringify({ offsetMs: 0 }));
  system = await startSystem(['members', 'complaints', 'gateway'], {
    env: {
      COMPLAINTS_TEST_CLOCK_FILE: clockFile,
      SLA_SCAN_EVERY_MS: '300',
      COMPLAINTS_RECOVERY_EVERY_MS: '1000',
    },
  });
});

afterAll(async () => {
  await system?.stop();
  rmSync(clockDir, { recursive: true, force: true });
});

async function receive(extra: Record<string, unknown> = {}, as = ['store_clerk']) {
  const created = await system.api(
    'POST',
    '/api/v1/complaints',
    {
      channel: 'store',
      category: 'service',
      severity: 'critical',
      storeId: 'S001',
      description: 'Was refused my prescription without a reason',
      ...extra,
    },
    as,
    { 'Idempotency-Key': `${runId}-sla-${++keySeq}` },
  );
  expect(created.status).toBe(201);
  return created.body;
}

interface HistoryItem {
  action: string;
  details?: { target?: string; level?: number; escalatedTo?: string; remind?: string };
}

async function historyOf(id: string): Promise<HistoryItem[]> {
  const answer = await system.api('GET', `/api/v1/complaints/${id}`);
  expect(answer.status).toBe(200);
  return answer.body.history;
}

const escalations = (history: HistoryItem[]) =>
  history
    .filter((h) => h.action === 'sla_breached')
    .map((h) => [h.details!.target, h.details!.level, h.details!.escalatedTo]);

async function listed(query: string): Promise<string[]> {
  const answer = await system.api('GET', `/api/v1/complaints?${query}&limit=100`);
  expect(answer.status).toBe(200);
  return answer.body.items.map((c: { id: string }) => c.id);
}

it('reminds before the first-response target, then escalates store manager → region → HQ, once each', async () => {
  const late = await receive();
  const answered = await receive();
  const receivedAt = new Date(late.receivedAt);
  // critical: first response in 60, resolution in 480 minutes of the store's hours.
  const firstDue = addStoreMinutes(receivedAt, 60);
  expect(late.sla.firstResponseDueAt).toBe(firstDue.toISOString());
  expect(late.sla.resolutionDueAt).toBe(addStoreMinutes(receivedAt, 480).toISOString());
  const assigned = await system.api(
    'POST',
    `/api/v1/complaints/${answered.id}/transitions`,
    { action: 'investigate', assignee: `E-${runId}` },
    ['desk_agent'],
  );
  expect(assigned.status).toBe(200);

  // Five minutes before the target: a reminder, no escalation.
  setClock(new Date(firstDue.getTime() - 5 * MINUTE));
  const reminded = await until('the reminder', async () => {
    const history = await historyOf(late.id);
    return history.some((h) => h.action === 'sla_reminder') ? history : null;
  });
  expect(reminded.filter((h) => h.action === 'sla_reminder')).toEqual([
    expect.objectContaining({
      details: { target: 'firstResponse', level: 0, remind: 'store_manager' },
    }),
  ]);
  expect(escalations(reminded)).toEqual([]);
  expect(await listed('breached=true')).toEqual([]);

  // A minute past it: the store manager.
  setClock(new Date(firstDue.getTime() + MINUTE));
  await until('escalated to the store manager', async () =>
    escalations(await historyOf(late.id)).length >= 1 ? true : null,
  );
  expect(escalations(await historyOf(late.id))).toEqual([['firstResponse', 1, 'store_manager']]);
  expect(await listed('breached=true')).toEqual([late.id]);

  // Another target's length (60 store minutes) later: the region; two: HQ.
  setClock(new Date(addStoreMinutes(firstDue, 60).getTime() + MINUTE));
  await until('escalated to the region', async () =>
    escalations(await historyOf(late.id)).length >= 2 ? true : null,
  );
  setClock(new Date(addStoreMinutes(firstDue, 120).getTime() + MINUTE));
  await until('escalated to HQ', async () =>
    escalations(await historyOf(late.id)).length >= 3 ? true : null,
  );

  // Each step once on Kafka (one event id each, however often the relay sent it).
  const isOurs = (m: { value: string | null }) => m.value?.includes(late.id) ?? false;
  const messages = await readTopic(
    Topics.complaintsEvents,
    (all) => all.filter(isOurs).filter((m) => m.value!.includes('"sla.breached"')).length >= 3,
    30000,
    startedAt,
  );
  const events = messages
    .filter(isOurs)
    .map((m) => JSON.parse(m.value!) as { id: string; type: string; payload: never })
    .filter((e) => e.type === 'sla.breached' || e.type === 'sla.reminder');
  const distinct = [...new Map(events.map((e) => [e.id, e])).values()];
  expect(
    distinct
      .map((e) => {
        const p = e.payload as { target: string; level?: number; escalatedTo?: string };
        return [e.type, p.target, p.level ?? 0, p.escalatedTo ?? null];
      })
      .sort(),
  ).toEqual([
    ['sla.breached', 'firstResponse', 1, 'store_manager'],
    ['sla.breached', 'firstResponse', 2, 'region'],
    ['sla.breached', 'firstResponse', 3, 'hq'],
    ['sla.reminder', 'firstResponse', 0, null],
  ]);

  // Scans go on (a later case is escalated in them); nothing of the first is escalated twice.
  const marker = await receive();
  const markerDue = new Date(marker.sla.firstResponseDueAt);
  expect(markerDue.toISOString()).toBe(
    addStoreMinutes(new Date(marker.receivedAt), 60).toISOString(),
  );
  setClock(new Date(markerDue.getTime() + MINUTE));
  await until('the later case escalated', async () =>
    escalations(await historyOf(marker.id)).length >= 1 ? true : null,
  );
  const claims = system.mongo.db(system.dbOf('complaints')).collection('sla_breaches');
  expect(await claims.countDocuments({ caseId: late.id })).toBe(4);
  const final = await historyOf(late.id);
  expect(escalations(final)).toEqual([
    ['firstResponse', 1, 'store_manager'],
    ['firstResponse', 2, 'region'],
    ['firstResponse', 3, 'hq'],
  ]);
  expect(escalations(await historyOf(answered.id))).toEqual([]);

  // The list filters.
  expect(await listed('breached=true')).toEqual([marker.id, late.id]);
  expect(await listed('breached=false')).toEqual([answered.id]);
  expect(await listed(`assignee=E-${runId}`)).toEqual([answered.id]);
  expect(await listed(`assignee=E-${runId}&breached=true`)).toEqual([]);
  expect(await listed('assignee=E-nobody')).toEqual([]);
});

it('lets admins read and replace the SLA policies, refuses inconsistent ones, and counts from the new ones', async () => {
  const path = '/api/v1/complaint-sla-policies';
  expect((await system.api('GET', path, undefined, ['desk_agent'])).status).toBe(403);
  expect((await system.api('GET', path, undefined, ['store_manager'])).status).toBe(403);
  const current = await system.api('GET', path, undefined, ['admin']);
  expect(current.status).toBe(200);
  expect(current.body).toMatchObject({ utcOffsetMinutes: 480, reminderBeforePercent: 25 });
  expect(current.body.targets).toContainEqual({
    severity: 'critical',
    firstResponseMinutes: 60,
    resolutionMinutes: 480,
  });
  const { updatedAt: _u, updatedBy: _b, ...policies } = current.body;

  const refused = await system.api(
    'PUT',
    path,
    {
      ...policies,
      // low's default given as a second one for high
      targets: policies.targets.map((t: { severity: string }) =>
        t.severity === 'low' ? { ...t, severity: 'high' } : t,
      ),
      storeHours: [{ storeId: 'S002', weekday: 1, open: '18:00', close: '09:00' }],
    },
    ['admin'],
  );
  expect(refused.status).toBe(400);
  // The second high default is the one named, wherever low stood in the list.
  const low = policies.targets.findIndex((t: { severity: string }) => t.severity === 'low');
  const high = policies.targets.findIndex(
    (t: { severity: string; channel?: string }) => t.severity === 'high' && !t.channel,
  );
  expect(refused.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'storeHours',
    'storeHours[0]',
    'targets',
    `targets[${Math.max(low, high)}]`,
  ]);
  const malformed = await system.api('PUT', path, { ...policies, holidays: ['1 May'] }, ['admin']);
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.details).toEqual([expect.objectContaining({ field: 'holidays' })]);
  expect((await system.api('PUT', path, policies, ['desk_agent'])).status).toBe(403);

  // Store S002 opens 10:00–16:00 every day; critical store complaints get 30 minutes.
  const s002 = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    storeId: 'S002',
    weekday,
    open: '10:00',
    close: '16:00',
  }));
  const replaced = await system.api(
    'PUT',
    path,
    {
      ...policies,
      targets: [
        ...policies.targets,
        {
          severity: 'critical',
          channel: 'store',
          firstResponseMinutes: 30,
          resolutionMinutes: 240,
        },
      ],
      storeHours: [...policies.storeHours, ...s002],
    },
    ['admin'],
  );
  expect(replaced.status).toBe(200);
  expect(replaced.body.updatedBy).toEqual(expect.any(String));
  expect(replaced.body.storeHours).toEqual(expect.arrayContaining(s002));
  const again = await system.api('GET', path, undefined, ['admin']);
  expect(again.body).toEqual(replaced.body);

  const at002 = await receive({ storeId: 'S002' }, ['desk_agent']);
  const hours002 = { open: 10 * 60, close: 16 * 60 };
  const received = new Date(at002.receivedAt);
  expect(at002.sla.firstResponseDueAt).toBe(addStoreMinutes(received, 30, hours002).toISOString());
  expect(at002.sla.resolutionDueAt).toBe(addStoreMinutes(received, 240, hours002).toISOString());
  // Another store keeps the default hours, with the new store-channel target.
  const at001 = await receive({ storeId: 'S001' });
  expect(at001.sla.firstResponseDueAt).toBe(
    addStoreMinutes(new Date(at001.receivedAt), 30).toISOString(),
  );
});
