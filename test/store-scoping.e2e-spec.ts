/**
 * Store scoping through the gateway (docs/access-rules.md): membership is chain-wide, so staff
 * of any store look a member up, serve them and redeem at the till; administrative changes
 * (home-store moves, profile edits beyond contact details, manual adjustments, bonuses, coupon
 * issues) need the member's home-store manager, a desk agent or an admin, and are refused to
 * others with 403 ACCESS.OTHER_STORE, checked by the service that owns the data. Every action
 * records the acting store and whether it was cross-store. Also: a store manager cannot issue
 * coupons to a saved health segment (loyalty forwards the acting staff member to members).
 */
import { staffToken } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
const tokens: Record<string, string> = {};

/** Staff by store: `<role>@<store>`, or a role alone for chain-wide staff with no store. */
const STAFF = [
  'store_clerk@S001',
  'store_manager@S001',
  'store_clerk@S002',
  'pharmacist@S002',
  'store_manager@S002',
  'desk_agent',
  'admin@S001',
  'admin',
] as const;
type Staff = (typeof STAFF)[number];

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'gateway']);
  for (const who of STAFF) {
    const [role, storeId] = who.split('@');
    tokens[who] = await staffToken([role!], { storeId, sub: `E-${who}` });
  }
  // A manual coupon definition for the issue cases.
  const definition = await as('admin', 'POST', '/api/v1/loyalty/coupon-definitions', {
    name: '¥5 off',
    purpose: 'manual',
    amountOffCents: 500,
    validDaysAfterIssue: 30,
  });
  expect(definition.status).toBe(201);
  definitionId = definition.body.definitionId;
});

afterAll(async () => {
  await system?.stop();
});

let definitionId: string;
let keys = 0;

function as(
  who: Staff,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return system.api(method, path, body, { token: tokens[who]! }, headers);
}

const key = () => ({ 'Idempotency-Key': `scoping-${system.runId}-${++keys}` });

async function register(homeStoreId?: string): Promise<string> {
  const created = await as('desk_agent', 'POST', '/api/v1/members', {
    name: '周敏',
    phone: uniquePhone('135'),
    channel: homeStoreId ? 'store' : 'online',
    ...(homeStoreId ? { homeStoreId } : {}),
    consents: { healthData: true },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const adjust = (who: Staff, id: string, points = 100) =>
  as(
    who,
    'POST',
    `/api/v1/members/${id}/points/adjustments`,
    { points, reason: 'goodwill' },
    key(),
  );
const bonus = (who: Staff, id: string, reference: string) =>
  as(who, 'POST', `/api/v1/members/${id}/points/bonuses`, { kind: 'survey', reference });
const issue = (who: Staff, target: { memberId: string } | { segmentId: string }) =>
  as(who, 'POST', `/api/v1/loyalty/coupon-definitions/${definitionId}/issues`, target, key());
const patch = (who: Staff, id: string, change: object) =>
  as(who, 'PATCH', `/api/v1/members/${id}`, change);

function expectOtherStore(response: { status: number; body: { error?: { code: string } } }) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({
    status: 403,
    code: 'ACCESS.OTHER_STORE',
  });
}

describe('another store serves the member at the till', () => {
  it('looks up, edits contact details and consents, and records health as a pharmacist', async () => {
    const id = await register('S001');
    expect((await as('store_clerk@S002', 'GET', `/api/v1/members/${id}`)).status).toBe(200);
    const contact = await patch('store_clerk@S002', id, {
      email: 'zhou.min@example.com',
      landline: '021-58881234',
      address: { region: '上海市', district: '徐汇区' },
      consents: { marketing: { sms: true } },
      consentChannel: 'store',
    });
    expect(contact.status).toBe(200);
    const health = await patch('pharmacist@S002', id, {
      health: { allergies: [{ allergen: 'penicillin' }] },
    });
    expect(health.status).toBe(200);

    const history = await as('desk_agent', 'GET', `/api/v1/members/${id}/history`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ roles: ['pharmacist'], actorStoreId: 'S002', crossStore: true }),
      expect.objectContaining({ roles: ['store_clerk'], actorStoreId: 'S002', crossStore: true }),
    ]);
  });

  it('redeems points and coupons at another store, with the acting store on the record', async () => {
    const id = await register('S001');
    expect((await adjust('store_manager@S001', id, 500)).status).toBe(201);
    const redeemed = await as(
      'store_clerk@S002',
      'POST',
      `/api/v1/members/${id}/points/redemptions`,
      { rewardId: 'COUPON-5' },
      key(),
    );
    expect(redeemed.status).toBe(201);
    const issued = await issue('store_manager@S001', { memberId: id });
    expect(issued.status).toBe(201);
    const code = issued.body.codes[0] as string;
    const used = await as(
      'store_clerk@S002',
      'POST',
      `/api/v1/members/${id}/coupons/${code}/redemptions`,
      { amountCents: 3000 },
      key(),
    );
    expect(used.status).toBe(201);

    const points = await as('store_clerk@S002', 'GET', `/api/v1/members/${id}/points`);
    const byKind = (kind: string) =>
      points.body.entries.find((e: { kind: string }) => e.kind === kind);
    expect(byKind('adjust')).toMatchObject({
      staffId: 'E-store_manager@S001',
      actorStoreId: 'S001',
      crossStore: false,
    });
    expect(byKind('redeem')).toMatchObject({
      staffId: 'E-store_clerk@S002',
      actorStoreId: 'S002',
      crossStore: true,
    });
    const coupons = await as('store_clerk@S002', 'GET', `/api/v1/members/${id}/coupons`);
    expect(coupons.body.items[0]).toMatchObject({
      code,
      issuedBy: { staffId: 'E-store_manager@S001', actorStoreId: 'S001', crossStore: false },
      redemption: {
        staffId: 'E-store_clerk@S002',
        actorStoreId: 'S002',
        crossStore: true,
      },
    });
  });
});

describe('administrative changes need the home-store manager, a desk agent or an admin', () => {
  it("refuses another store's staff a home-store move and profile edits beyond contact details", async () => {
    const id = await register('S001');
    expectOtherStore(await patch('store_clerk@S002', id, { homeStoreId: 'S002' }));
    expectOtherStore(await patch('store_manager@S002', id, { homeStoreId: 'S002' }));
    expectOtherStore(await patch('store_clerk@S002', id, { name: '周敏敏' }));
    // Contact details and a profile field together: nothing changes.
    expectOtherStore(
      await patch('store_manager@S002', id, { email: 'x@example.com', birthDate: '1970-01-01' }),
    );
    const refusal = await patch('store_manager@S002', id, { homeStoreId: 'S002' });
    expect(refusal.body.error.message).toMatch(/S001's store manager, a desk agent or an admin/);
    expect(refusal.body.error.details).toEqual([expect.objectContaining({ field: 'homeStoreId' })]);
    const member = await as('desk_agent', 'GET', `/api/v1/members/${id}`);
    expect(member.body).toMatchObject({ homeStoreId: 'S001', name: '周敏', email: null });
    expect((await as('desk_agent', 'GET', `/api/v1/members/${id}/history`)).body.items).toEqual([]);
  });

  it("refuses the home store's clerk an administrative edit, and lets its manager make it", async () => {
    const id = await register('S001');
    expectOtherStore(await patch('store_clerk@S001', id, { birthDate: '1970-01-01' }));
    expect((await patch('store_manager@S001', id, { birthDate: '1970-01-01' })).status).toBe(200);
    const moved = await patch('store_manager@S001', id, { homeStoreId: 'S002' });
    expect(moved.status).toBe(200);
    expect(moved.body.homeStoreId).toBe('S002');
    // Now S002's member: S001's manager no longer administers it, S002's does.
    expectOtherStore(await adjust('store_manager@S001', id));
    expect((await adjust('store_manager@S002', id)).status).toBe(201);
    const history = await as('desk_agent', 'GET', `/api/v1/members/${id}/history`);
    expect(history.body.items[0]).toMatchObject({
      actorStoreId: 'S001',
      crossStore: false,
      changes: [expect.objectContaining({ field: 'homeStoreId', old: 'S001', new: 'S002' })],
    });
  });

  it("refuses another store's manager adjustments, bonuses and coupon issues", async () => {
    const id = await register('S001');
    const refused = await adjust('store_manager@S002', id);
    expectOtherStore(refused);
    expect(refused.body.error.message).toMatch(/S001's store manager, a desk agent or an admin/);
    expectOtherStore(await bonus('store_manager@S002', id, `SURVEY-${system.runId}`));
    expectOtherStore(await issue('store_manager@S002', { memberId: id }));
    expectOtherStore(
      await as('store_manager@S002', 'POST', `/api/v1/members/${id}/coupons/compensations`, {
        complaintId: `C-${system.runId}-other`,
      }),
    );
    const points = await as('desk_agent', 'GET', `/api/v1/members/${id}/points`);
    expect(points.body).toMatchObject({ balance: 0, entries: [] });
    expect((await as('desk_agent', 'GET', `/api/v1/members/${id}/coupons`)).body.items).toEqual([]);

    expect((await adjust('store_manager@S001', id)).status).toBe(201);
    expect((await bonus('store_manager@S001', id, `SURVEY-${system.runId}`)).status).toBe(200);
    expect((await issue('store_manager@S001', { memberId: id })).status).toBe(201);
    expect((await bonus('desk_agent', id, `SUGGESTION-${system.runId}`)).status).toBe(200);
    // An admin of another store may: chain-wide, audited as cross-store.
    expect((await adjust('admin@S001', await register('S002'))).body).toMatchObject({
      actorStoreId: 'S001',
      crossStore: true,
    });
  });

  it('leaves members with no home store to desk agents and admins', async () => {
    const id = await register();
    expectOtherStore(await adjust('store_manager@S001', id));
    expectOtherStore(await bonus('store_manager@S001', id, `SURVEY-${system.runId}`));
    expectOtherStore(await issue('store_manager@S001', { memberId: id }));
    const claimed = await patch('store_manager@S001', id, { homeStoreId: 'S001' });
    expectOtherStore(claimed);
    expect(claimed.body.error.message).toMatch(/no home store/);
    // Serving them at the till is any store's.
    expect((await patch('store_clerk@S002', id, { email: 'online@example.com' })).status).toBe(200);

    expect((await bonus('desk_agent', id, `SURVEY-${system.runId}`)).status).toBe(200);
    expect((await adjust('admin', id)).body).toMatchObject({ crossStore: null });
    expect((await issue('admin', { memberId: id })).status).toBe(201);
    expect((await patch('desk_agent', id, { homeStoreId: 'S002' })).status).toBe(200);
    expect((await adjust('store_manager@S002', id)).status).toBe(201);
  });
});

describe('coupons to a saved segment', () => {
  it("lets a store manager issue to a segment of their own store's members only", async () => {
    const ours = await register('S001');
    const theirs = await register('S002');
    const save = async (criteria: object) => {
      const saved = await as('admin', 'POST', '/api/v1/segments', {
        name: `scoping ${JSON.stringify(criteria)} ${system.runId}`,
        criteria,
      });
      expect(saved.status).toBe(201);
      return saved.body.id as string;
    };
    const chainWide = await save({ storeIds: ['S001', 'S002'] });
    const s001 = await save({ storeIds: ['S001'] });
    await until('the segments indexed', async () => {
      const page = await as('admin', 'GET', `/api/v1/segments/${chainWide}/members`);
      return page.body.memberIds?.includes(ours) && page.body.memberIds?.includes(theirs);
    });
    const refused = await issue('store_manager@S001', { segmentId: chainWide });
    expectOtherStore(refused);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'segmentId' })]);
    const own = await issue('store_manager@S001', { segmentId: s001 });
    expect(own.status).toBe(201);
    expect(own.body.issued).toBeGreaterThanOrEqual(1);
    expect((await as('desk_agent', 'GET', `/api/v1/members/${theirs}/coupons`)).body.items).toEqual(
      [],
    );
    expect((await issue('admin', { segmentId: chainWide })).status).toBe(201);
  });

  it('refuses a store manager a saved health segment; an admin issues to it', async () => {
    const diabetic = await register('S001');
    expect(
      (
        await patch('desk_agent', diabetic, {
          health: { conditions: [{ group: 'diabetes', icd10: 'E11' }] },
        })
      ).status,
    ).toBe(200);
    const saved = await as('admin', 'POST', '/api/v1/segments', {
      name: `diabetics of S001 ${system.runId}`,
      criteria: { storeIds: ['S001'], diseaseGroups: ['diabetes'] },
    });
    expect(saved.status).toBe(201);
    const segmentId = saved.body.id as string;
    await until('the health segment indexed', async () => {
      const page = await as('admin', 'GET', `/api/v1/segments/${segmentId}/members`);
      return page.body.memberIds?.includes(diabetic);
    });
    const refused = await issue('store_manager@S001', { segmentId });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
      status: 403,
      code: 'SEGMENT.HEALTH_CRITERIA_FORBIDDEN',
    });
    expect((await as('admin', 'GET', `/api/v1/members/${diabetic}/coupons`)).body.items).toEqual(
      [],
    );
    const issued = await issue('admin', { segmentId });
    expect(issued.status).toBe(201);
    expect(issued.body.issued).toBeGreaterThanOrEqual(1);
  });
});
