/**
 * Case analysis end to end: cases placed on past days with the complaints process's clock moved
 * by the test (COMPLAINTS_TEST_CLOCK_FILE, tests only), sales sent as `purchase.recorded` to
 * members.events.v1 (one twice, a refund, one outside the range), then
 * `GET /analytics/complaints` by store, category, cause, staff and month checked against figures
 * this test computes from what it sent; an improvement action's before/after rate likewise; and
 * who may read what (HQ all, a store manager their store, clerks and the desk nothing).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PURCHASE_RECORDED, type PurchaseRecordedPayload, Topics } from '@crm/contracts';
import { newEnvelope } from '@crm/messaging';
import { staffToken, testKafka } from '@crm/testing';
import { startSystem, until, type TestSystem } from './support/system';

let system: TestSystem;
const runId = randomUUID().slice(0, 8);
const clockDir = mkdtempSync(join(tmpdir(), 'complaints-clock-'));
const clockFile = join(clockDir, 'clock.json');
let keySeq = 0;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR; // the chain's local time, UTC+8

const localDay = (at: Date) => new Date(at.getTime() + OFFSET).toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** 10:00 local on `day`: inside every store's hours. */
const tenOClock = (day: string) => new Date(Date.parse(`${day}T10:00:00Z`) - OFFSET);
const today = localDay(new Date());

/** Moves the complaints process's "now" to `at` (written whole, then renamed into place). */
function setClock(at: Date): void {
  const next = `${clockFile}.next`;
  writeFileSync(next, JSON.stringify({ offsetMs: at.getTime() - Date.now() }));
  renameSync(next, clockFile);
}

interface CaseSpec {
  day: number;
  store: string;
  category: string;
  severity: 'low' | 'critical';
  cause: string;
  assignee: string | null;
  /** Minutes from intake to the first step, and to the resolution (null: left open). */
  firstResponse: number;
  resolution: number | null;
  satisfaction?: number;
  /** A target missed (by the times above, or left open past its due time). */
  breached: boolean;
}

const SPECS: CaseSpec[] = [
  // fmt: day, store, category, severity, cause, assignee, first response, resolution, satisfaction
  {
    day: -20,
    store: 'S001',
    category: 'service',
    severity: 'low',
    cause: 'waiting_time',
    assignee: 'E-a',
    firstResponse: 10,
    resolution: 120,
    satisfaction: 4,
    breached: false,
  },
  {
    day: -18,
    store: 'S001',
    category: 'service',
    severity: 'critical',
    cause: 'waiting_time',
    assignee: 'E-a',
    firstResponse: 90, // critical: 60 minutes
    resolution: 300,
    satisfaction: 2,
    breached: true,
  },
  {
    day: -15,
    store: 'S002',
    category: 'price',
    severity: 'low',
    cause: 'pricing',
    assignee: 'E-b',
    firstResponse: 20,
    resolution: 60,
    satisfaction: 5,
    breached: false,
  },
  {
    day: -12,
    store: 'S001',
    category: 'quality',
    severity: 'low',
    cause: 'storage',
    assignee: 'E-b',
    firstResponse: 5,
    resolution: null, // open for 12 days: past its 40-hour resolution target
    breached: true,
  },
  {
    day: -8,
    store: 'S001',
    category: 'service',
    severity: 'low',
    cause: 'waiting_time',
    assignee: 'E-a',
    firstResponse: 15,
    resolution: 90,
    satisfaction: 3,
    breached: false,
  },
  {
    day: -5,
    store: 'S002',
    category: 'service',
    severity: 'low',
    cause: 'staff_attitude',
    assignee: null, // resolved straight from accepted: its first step
    firstResponse: 45,
    resolution: 45,
    breached: false,
  },
];

/** Sales per store and day offset, sent as purchase.recorded. */
const SALES: { store: string; day: number; count: number }[] = [
  { store: 'S001', day: -25, count: 3 },
  { store: 'S001', day: -19, count: 7 },
  { store: 'S001', day: -14, count: 5 },
  { store: 'S001', day: -9, count: 6 },
  { store: 'S001', day: -3, count: 4 },
  { store: 'S002', day: -16, count: 8 },
  { store: 'S002', day: -6, count: 2 },
  { store: 'S001', day: -40, count: 9 }, // before the range asked
];
const FROM = -30;

beforeAll(async () => {
  setClock(new Date());
  system = await startSystem(['members', 'complaints', 'gateway'], {
    env: {
      COMPLAINTS_TEST_CLOCK_FILE: clockFile,
      SLA_SCAN_EVERY_MS: '500',
      COMPLAINTS_RECOVERY_EVERY_MS: '1000',
    },
  });
});

afterAll(async () => {
  await system?.stop();
  rmSync(clockDir, { recursive: true, force: true });
});

type As = string[] | { token: string | null };

async function tokenFor(roles: string[], storeId: string): Promise<As> {
  return { token: await staffToken(roles, { storeId, sub: `E-${roles[0]}-${storeId}` }) };
}

async function ok(method: string, path: string, body?: unknown, who: As = ['desk_agent']) {
  const answer = await system.api(method, path, body, who, {
    'Idempotency-Key': `${runId}-analytics-${++keySeq}`,
  });
  if (answer.status >= 300)
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function placeCase(spec: CaseSpec): Promise<string> {
  const at = tenOClock(addDays(today, spec.day));
  setClock(at);
  const created = await ok('POST', '/api/v1/complaints', {
    channel: 'store',
    category: spec.category,
    severity: spec.severity,
    storeId: spec.store,
    description: `Case for analysis on day ${spec.day}`,
  });
  const id = created.id as string;
  setClock(new Date(at.getTime() + spec.firstResponse * MINUTE));
  if (spec.assignee)
    await ok('POST', `/api/v1/complaints/${id}/transitions`, {
      action: 'investigate',
      assignee: spec.assignee,
    });
  if (spec.resolution !== null) {
    setClock(new Date(at.getTime() + spec.resolution * MINUTE));
    await ok('POST', `/api/v1/complaints/${id}/transitions`, {
      action: 'resolve',
      resolution: 'Handled',
      cause: spec.cause,
    });
    if (spec.satisfaction)
      await ok('POST', `/api/v1/complaints/${id}/transitions`, {
        action: 'feedback',
        satisfaction: spec.satisfaction,
      });
  }
  return id;
}

async function publishSales(): Promise<number> {
  const producer = testKafka().producer();
  await producer.connect();
  let distinct = 0;
  try {
    const messages: { key: string; value: string }[] = [];
    const purchase = (tx: string, store: string, day: number, type = 'sale') => {
      const payload = {
        transactionId: tx,
        type,
        originalTransactionId: null,
        memberId: '6740a1f2c3b4d5e6f7a8b9c1',
        storeId: store,
        occurredAt: new Date(tenOClock(addDays(today, day)).getTime() + 2 * HOUR).toISOString(),
        totalCents: 1200,
        items: [],
      } as unknown as PurchaseRecordedPayload;
      const envelope = newEnvelope({
        type: PURCHASE_RECORDED,
        source: 'members',
        key: payload.memberId,
        payload,
      });
      messages.push({ key: payload.memberId, value: JSON.stringify(envelope) });
    };
    for (const { store, day, count } of SALES)
      for (let i = 0; i < count; i++) {
        purchase(`${runId}-${store}-${day}-${i}`, store, day);
        distinct++;
      }
    // The same sale again (another event id), and a refund: neither is a new sale.
    purchase(`${runId}-S001--19-0`, 'S001', -19);
    purchase(`${runId}-S001-refund`, 'S001', -19, 'refund');
    await producer.send({ topic: Topics.membersEvents, messages });
  } finally {
    await producer.disconnect();
  }
  return distinct;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** What the figures of these specs must be against these sales: computed here, independently. */
function expected(key: string, specs: CaseSpec[], sales: number) {
  const rated = specs.filter((s) => s.satisfaction !== undefined);
  const firstResponse = median(specs.map((s) => s.firstResponse));
  const resolution = median(specs.flatMap((s) => (s.resolution === null ? [] : [s.resolution])));
  return {
    key,
    complaints: specs.length,
    sales,
    complaintRatePer1000Sales: sales > 0 ? round((specs.length / sales) * 1000, 2) : null,
    medianFirstResponseMinutes: firstResponse === null ? null : round(firstResponse, 1),
    medianResolutionMinutes: resolution === null ? null : round(resolution, 1),
    slaBreachRate: specs.length
      ? round(specs.filter((s) => s.breached).length / specs.length, 4)
      : null,
    satisfactionAverage: rated.length
      ? round(rated.reduce((sum, s) => sum + s.satisfaction!, 0) / rated.length, 2)
      : null,
    satisfactionCount: rated.length,
  };
}

const salesIn = (store: string | null, from: number, to: number) =>
  SALES.filter((s) => (store === null || s.store === store) && s.day >= from && s.day <= to).reduce(
    (sum, s) => sum + s.count,
    0,
  );

const groupBy = (key: (s: CaseSpec) => string) => {
  const groups = new Map<string, CaseSpec[]>();
  for (const spec of SPECS) groups.set(key(spec), [...(groups.get(key(spec)) ?? []), spec]);
  return groups;
};

const byCount = <T extends { complaints: number; key: string }>(a: T, b: T) =>
  b.complaints - a.complaints || a.key.localeCompare(b.key);

describe('case analysis', () => {
  const ids: string[] = [];
  const range = `from=${addDays(today, FROM)}&to=${today}`;

  beforeAll(async () => {
    const distinct = await publishSales();
    for (const spec of SPECS) ids.push(await placeCase(spec));
    setClock(tenOClock(today));
    const sales = system.mongo.db(system.dbOf('complaints')).collection('complaint_sales');
    await until('every sale counted', async () => (await sales.countDocuments({})) >= distinct);
    // The open case is marked breached by the scan once the clock stands at today.
    const breachedIds = SPECS.flatMap((s, i) => (s.breached ? [ids[i]!] : []));
    await until('breaches marked', async () => {
      const page = await ok('GET', '/api/v1/complaints?breached=true&limit=100');
      const listed = new Set(page.items.map((c: { id: string }) => c.id));
      return breachedIds.every((id) => listed.has(id));
    });
  }, 180_000);

  it('lists the cases newest first across days, page by page, with filters', async () => {
    // Placed one per day, oldest first: each page's cases come from the day buckets before it.
    const newestFirst = (keep: (spec: CaseSpec) => boolean) =>
      SPECS.flatMap((spec, i) => (keep(spec) ? [ids[i]!] : [])).reverse();
    const everyPage = async (query: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 20; pages++) {
        const page: { items: { id: string }[]; nextCursor: string | null } = await ok(
          'GET',
          `/api/v1/complaints?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error(`${query}: the listing never ended`);
    };
    expect(await everyPage('', 2)).toEqual(newestFirst(() => true));
    expect(await everyPage('store=S001', 1)).toEqual(newestFirst((s) => s.store === 'S001'));
    expect(await everyPage('store=S001&category=service', 1)).toEqual(
      newestFirst((s) => s.store === 'S001' && s.category === 'service'),
    );
    expect(await everyPage('breached=true', 1)).toEqual(newestFirst((s) => s.breached));
    expect(await everyPage('status=investigating', 3)).toEqual(
      newestFirst((s) => s.resolution === null && s.assignee !== null),
    );
  });

  it('gives each store’s figures against its own sales, for HQ', async () => {
    const view = await ok('GET', `/api/v1/analytics/complaints?by=store&${range}`, undefined, [
      'hq_analyst',
    ]);
    const all = salesIn(null, FROM, 0);
    expect(view.storeId).toBeNull();
    expect(view.totals).toEqual(expected('all', SPECS, all));
    const groups = [...groupBy((s) => s.store)].map(([store, specs]) =>
      expected(store, specs, salesIn(store, FROM, 0)),
    );
    expect(view.groups).toEqual(groups.sort(byCount));
    // Nothing that names a case or a member.
    expect(JSON.stringify(view)).not.toMatch(/"C[0-9A-Z]{12}"|memberId|description/);
  });

  it('groups by category, cause, staff and month', async () => {
    const all = salesIn(null, FROM, 0);
    const dims: [string, (s: CaseSpec) => string][] = [
      ['category', (s) => s.category],
      ['cause', (s) => (s.resolution === null ? 'unknown' : s.cause)],
      ['staff', (s) => s.assignee ?? 'unassigned'],
    ];
    for (const [by, key] of dims) {
      const view = await ok('GET', `/api/v1/analytics/complaints?by=${by}&${range}`, undefined, [
        'admin',
      ]);
      expect({ by, groups: view.groups }).toEqual({
        by,
        groups: [...groupBy(key)].map(([k, specs]) => expected(k, specs, all)).sort(byCount),
      });
    }
    const month = (day: number) => addDays(today, day).slice(0, 7);
    const view = await ok('GET', `/api/v1/analytics/complaints?by=month&${range}`, undefined, [
      'admin',
    ]);
    const months = new Map<string, CaseSpec[]>();
    for (const spec of SPECS)
      months.set(month(spec.day), [...(months.get(month(spec.day)) ?? []), spec]);
    for (const s of SALES)
      if (s.day >= FROM && !months.has(month(s.day))) months.set(month(s.day), []);
    const salesOfMonth = (m: string) =>
      SALES.filter((s) => s.day >= FROM && month(s.day) === m).reduce((n, s) => n + s.count, 0);
    expect(view.groups).toEqual(
      [...months].map(([m, specs]) => expected(m, specs, salesOfMonth(m))).sort(byCount),
    );
  });

  it('shows a store manager their store only, and clerks, pharmacists and the desk nothing', async () => {
    const manager = await tokenFor(['store_manager'], 'S002');
    const own = await ok(
      'GET',
      `/api/v1/analytics/complaints?by=category&${range}`,
      undefined,
      manager,
    );
    expect(own.storeId).toBe('S002');
    expect(own.totals).toEqual(
      expected(
        'all',
        SPECS.filter((s) => s.store === 'S002'),
        salesIn('S002', FROM, 0),
      ),
    );
    const other = await system.api(
      'GET',
      `/api/v1/analytics/complaints?by=category&store=S001&${range}`,
      undefined,
      manager,
    );
    expect(other.status).toBe(403);
    for (const role of ['store_clerk', 'pharmacist', 'desk_agent']) {
      const refused = await system.api(
        'GET',
        `/api/v1/analytics/complaints?by=store&${range}`,
        undefined,
        await tokenFor([role], 'S001'),
      );
      expect({ role, status: refused.status }).toEqual({ role, status: 403 });
    }
    const bad = await system.api(
      'GET',
      `/api/v1/analytics/complaints?by=weather&${range}`,
      undefined,
      ['admin'],
    );
    expect(bad.status).toBe(400);
  });

  it('measures an improvement action: the rate of its cause and scope before and after', async () => {
    const start = -10;
    const created = await ok(
      'POST',
      '/api/v1/improvement-actions',
      {
        cause: 'waiting_time',
        scope: 'store',
        storeId: 'S001',
        action: 'Second cashier at peak hours',
        startDate: addDays(today, start),
      },
      ['hq_analyst'],
    );
    // Ten whole days since the start (today is not over): ten days either side.
    const inPeriod = (from: number, to: number) =>
      SPECS.filter(
        (s) => s.store === 'S001' && s.cause === 'waiting_time' && s.day >= from && s.day <= to,
      ).length;
    const period = (from: number, to: number) => {
      const complaints = inPeriod(from, to);
      const sales = salesIn('S001', from, to);
      return {
        from: addDays(today, from),
        to: addDays(today, to),
        complaints,
        sales,
        complaintRatePer1000Sales: sales > 0 ? round((complaints / sales) * 1000, 2) : null,
      };
    };
    const before = period(start - 10, start - 1);
    const after = period(start, -1);
    expect(created.effect).toEqual({
      periodDays: 10,
      before,
      after,
      rateChange: round(after.complaintRatePer1000Sales! - before.complaintRatePer1000Sales!, 2),
    });
    expect([before.complaints, after.complaints]).toEqual([2, 1]);

    const manager = await tokenFor(['store_manager'], 'S001');
    const chain = await system.api(
      'POST',
      '/api/v1/improvement-actions',
      { cause: 'pricing', scope: 'chain', action: 'Price review', startDate: today },
      manager,
      { 'Idempotency-Key': `${runId}-chain` },
    );
    expect(chain.status).toBe(403);
    const listed = await ok(
      'GET',
      '/api/v1/improvement-actions?cause=waiting_time',
      undefined,
      manager,
    );
    expect(listed.items.map((a: { id: string }) => a.id)).toEqual([created.id]);
    const clerk = await system.api(
      'GET',
      '/api/v1/improvement-actions',
      undefined,
      await tokenFor(['store_clerk'], 'S001'),
    );
    expect(clerk.status).toBe(403);
  });
});
