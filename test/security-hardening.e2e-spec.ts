/**
 * Security hardening through the gateway (and, for health criteria, around it): who may
 * select members by health data, small counts withheld from roles that see aggregates only,
 * and bad input answered 4xx in the standard error body, never 500.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AppError, ErrorCode, Subjects } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let nats: NatsConnection;

beforeAll(async () => {
  system = await startSystem(['members', 'gateway']);
  nats = await connect({ servers: process.env.NATS_URL!.split(',') });
});

afterAll(async () => {
  await nats?.drain();
  await system?.stop();
});

const MANAGER = ['store_manager'];
const HQ = ['hq_analyst'];
const MIN_GROUP_SIZE = 5; // the members service's default

async function register(body: object): Promise<string> {
  const created = await system.api('POST', '/api/v1/members', {
    name: '会员',
    phone: uniquePhone('135'),
    channel: 'store',
    homeStoreId: 'S001',
    ...body,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

const preview = (criteria: object, roles?: string[]) =>
  system.api('POST', '/api/v1/segments/preview', { criteria }, roles);

function expectError(
  response: { status: number; body: { error?: { code: string; details: unknown[] } } },
  status: number,
  code: string,
) {
  expect(response.status).toBe(status);
  expect(response.body.error).toMatchObject({ code, message: expect.any(String) });
  expect(Array.isArray(response.body.error!.details)).toBe(true);
}

const fieldsOf = (response: { body: { error: { details: { field: string }[] } } }) =>
  response.body.error.details.map((d) => d.field);

// Members: one diabetic with a latex allergy (the only man of S009), six women and five with
// no gender given at S009, and no purchases: so the small groups are known exactly.
let diabetic: string;
beforeAll(async () => {
  diabetic = await register({
    gender: 'male',
    birthDate: '1931-03-03',
    homeStoreId: 'S009',
    consents: { healthData: true },
    health: {
      conditions: [{ group: 'diabetes', icd10: 'E11' }],
      allergies: [{ allergen: 'latex' }],
      medications: [{ name: 'metformin', atc: 'A10BA02' }],
    },
  });
  for (let i = 0; i < 6; i++) await register({ gender: 'female', homeStoreId: 'S009' });
  for (let i = 0; i < 5; i++) await register({ homeStoreId: 'S009' });
  await until('the members in the segment index', async () => {
    const everyone = await preview({ storeIds: ['S009'] });
    return everyone.body?.count === 12;
  });
});

describe('health criteria in segments', () => {
  const health = [
    { diseaseGroups: ['diabetes'] },
    { allergies: ['latex'] },
    { medicationAtc: ['A10'] },
  ];

  it('are refused to store managers and HQ in previews, with the criterion named', async () => {
    for (const criteria of health)
      for (const roles of [MANAGER, HQ, ['store_clerk', 'store_manager']]) {
        const refused = await preview(criteria, roles);
        expectError(refused, 403, 'SEGMENT.HEALTH_CRITERIA_FORBIDDEN');
        expect(fieldsOf(refused)).toEqual([`criteria.${Object.keys(criteria)[0]}`]);
      }
  });

  it('are allowed to the health roles', async () => {
    for (const roles of [['desk_agent'], ['admin']]) {
      const diabetics = await preview({ diseaseGroups: ['diabetes'] }, roles);
      expect(diabetics.status).toBe(200);
      expect(diabetics.body).toMatchObject({ count: 1, countBelow: null, sample: [diabetic] });
    }
  });

  it('cannot be saved by a store manager; a saved one is listed only to the health roles', async () => {
    const refused = await system.api(
      'POST',
      '/api/v1/segments',
      { name: 'Diabetics', criteria: { diseaseGroups: ['diabetes'] } },
      MANAGER,
    );
    expectError(refused, 403, 'SEGMENT.HEALTH_CRITERIA_FORBIDDEN');

    const saved = await system.api(
      'POST',
      '/api/v1/segments',
      { name: 'Latex allergy', criteria: { allergies: ['latex'], storeIds: ['S009'] } },
      ['admin'],
    );
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ usesHealthCriteria: true, count: 1 });
    const list = (roles: string[]) =>
      system.api('GET', `/api/v1/segments/${saved.body.id}/members`, undefined, roles);
    expectError(await list(MANAGER), 403, 'SEGMENT.HEALTH_CRITERIA_FORBIDDEN');
    expect((await list(['desk_agent'])).body.memberIds).toEqual([diabetic]);

    // A segment without health criteria stays open to store managers.
    const plain = await system.api(
      'POST',
      '/api/v1/segments',
      { name: 'S009', criteria: { storeIds: ['S009'] } },
      MANAGER,
    );
    expect(plain.body.usesHealthCriteria).toBe(false);
    expect((await list(MANAGER)).status).toBe(403);
    const plainList = await system.api(
      'GET',
      `/api/v1/segments/${plain.body.id}/members`,
      undefined,
      MANAGER,
    );
    expect(plainList.body.memberIds).toHaveLength(12);
  });

  it('are refused by the members service itself, whoever calls it', async () => {
    const rpc = new NatsRpcClient(nats, 5000);
    const asManager = { sub: 'E900', roles: ['store_manager'], storeId: 'S009' };
    const refusal = await rpc
      .request(
        Subjects.members.segments.preview,
        { criteria: { diseaseGroups: ['diabetes'] }, sampleSize: 20 },
        asManager,
      )
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe(ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN);
    const save = await rpc
      .request(
        Subjects.members.segments.save,
        { name: 'x', criteria: { medicationAtc: ['A10'] } },
        asManager,
      )
      .catch((error: unknown) => error);
    expect((save as AppError).code).toBe(ErrorCode.SEGMENT_HEALTH_CRITERIA_FORBIDDEN);
  });
});

describe('small counts for roles that see aggregates only', () => {
  it('withhold a segment count below the minimum group size from HQ, not zero or larger ones', async () => {
    const narrow = { genders: ['male'], storeIds: ['S009'], ageMin: 90 };
    const hq = await preview(narrow, HQ);
    expect(hq.status).toBe(200);
    expect(hq.body).toMatchObject({ count: null, countBelow: MIN_GROUP_SIZE, sample: [] });
    expect((await preview(narrow, ['desk_agent'])).body).toMatchObject({
      count: 1,
      countBelow: null,
    });
    expect((await preview({ ...narrow, genders: ['female'] }, HQ)).body.count).toBe(0);
    expect((await preview({ storeIds: ['S009'] }, HQ)).body).toMatchObject({
      count: 12,
      countBelow: null,
      sample: [],
    });
  });

  it('withhold small analytics cells, what derives from them, and what subtraction would reveal', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const query = `/api/v1/analytics/members?from=${month}&to=${month}&storeId=S009&by=gender`;
    const hq = await system.api('GET', query, undefined, HQ);
    expect(hq.status).toBe(200);
    expect(hq.body.minGroupSize).toBe(MIN_GROUP_SIZE);
    expect(hq.body.totals).toMatchObject({ members: 12, newMembers: 12, activeMembers: 0 });
    const byKey = Object.fromEntries(
      hq.body.groups.map((g: { key: string }) => [g.key, g] as const),
    );
    expect(byKey.female).toMatchObject({ members: 6, withheld: [] });
    // One man: withheld; and the next smallest group (five with no gender) with him, or the
    // totals minus the other groups would give 1.
    for (const key of ['male', 'unspecified'])
      expect(byKey[key]).toMatchObject({
        members: null,
        newMembers: null,
        spendCents: null,
        averageTicketCents: null,
        withheld: expect.arrayContaining(['members', 'newMembers', 'spendCents']),
      });
    expect(hq.body.groups.map((g: { key: string }) => g.key)).toEqual([
      'female',
      'male',
      'unspecified',
    ]);

    const admin = await system.api('GET', query, undefined, ['admin']);
    expect(admin.body.minGroupSize).toBeNull();
    expect(admin.body.groups.find((g: { key: string }) => g.key === 'male')).toMatchObject({
      members: 1,
      withheld: [],
    });
  });
});

describe('bad input is a 4xx in the standard body, never a 500', () => {
  let member: string;
  beforeAll(async () => {
    member = await register({ name: '王芳' });
  });

  it('answers a missing body with the missing part named', async () => {
    const patch = await system.api('PATCH', `/api/v1/members/${member}`);
    expectError(patch, 400, 'VALIDATION.FAILED');
    expect(fieldsOf(patch)).toEqual(['change']);
    const attendance = await system.api('POST', `/api/v1/members/${member}/event-attendances`);
    expectError(attendance, 400, 'VALIDATION.FAILED');
    expect(fieldsOf(attendance)).toEqual(['attendance']);
  });

  it('refuses JSON nested 10,000 deep on members and segments routes', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const deepList = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const [method, path, body] of [
      ['POST', '/api/v1/members', deep],
      ['PATCH', `/api/v1/members/${member}`, `{"name":${deepList}}`],
      ['POST', '/api/v1/segments/preview', `{"criteria":${deep}}`],
      ['POST', '/api/v1/segments', `{"name":"x","criteria":${deep}}`],
    ] as const)
      expectError(await system.api(method, path, body), 400, 'VALIDATION.FAILED');
  });

  it('refuses NUL, lone surrogates and hidden characters in names, with the field', async () => {
    for (const name of ['a\u0000b', 'ab\ud800', 'a\u202Eb', '\u200B\u200B', '\u001b[2Jx', '   ']) {
      const created = await system.api('POST', '/api/v1/members', {
        name,
        phone: uniquePhone('135'),
        channel: 'online',
      });
      expectError(created, 400, 'VALIDATION.FAILED');
      expect(fieldsOf(created)).toEqual(['name']);
      const changed = await system.api('PATCH', `/api/v1/members/${member}`, { name });
      expectError(changed, 400, 'VALIDATION.FAILED');
      expect(fieldsOf(changed)).toEqual(['change.name']);
    }
    const saved = await system.api('GET', `/api/v1/members/${member}`);
    expect(saved.body.name).toBe('王芳');
  });

  it('stores names and free text normalised (NFC) and trimmed', async () => {
    const changed = await system.api('PATCH', `/api/v1/members/${member}`, {
      name: '  Jose\u0301 ',
      employer: ' 上海电气 ',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'José', employer: '上海电气' });
  });

  it('refuses null for a quantity, a stock and a coupon order', async () => {
    const headers = { 'idempotency-key': `null-qty-${system.runId}` };
    const redemption = await system.api(
      'POST',
      `/api/v1/members/${member}/points/redemptions`,
      { rewardId: 'COUPON-10', quantity: null },
      ['desk_agent'],
      headers,
    );
    expectError(redemption, 400, 'VALIDATION.FAILED');
    expect(fieldsOf(redemption)).toEqual(['quantity']);
    const reward = await system.api(
      'PUT',
      '/api/v1/loyalty/rewards/GIFT-NULL',
      { kind: 'gift', name: 'Cup', points: 10, active: true, stock: null },
      ['admin'],
    );
    expectError(reward, 400, 'VALIDATION.FAILED');
    expect(fieldsOf(reward)).toEqual(['stock']);
    const coupon = await system.api(
      'POST',
      `/api/v1/members/${member}/coupons/ABCDEFGHJK/redemptions`,
      { lines: null, amountCents: null },
      ['desk_agent'],
      headers,
    );
    expectError(coupon, 400, 'VALIDATION.FAILED');
  });

  it('answers a long URI with 414 and large headers with 431, in the standard body', async () => {
    const raw = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${system.gatewayUrl}${path}`, { headers });
      return { status: response.status, body: JSON.parse(await response.text()) };
    };
    expectError(await raw(`/api/v1/members/${'a'.repeat(200)}`), 414, 'REQUEST.URI_TOO_LONG');
    expectError(
      await raw(`/api/v1/members?phone=${'1'.repeat(40_000)}`),
      414,
      'REQUEST.URI_TOO_LONG',
    );
    expectError(
      await raw('/api/v1/members/x', { 'x-padding': 'a'.repeat(40_000) }),
      431,
      'REQUEST.HEADERS_TOO_LARGE',
    );
  });

  it('answers a known path with a wrong method 405 with Allow; an unknown path stays 404', async () => {
    const replace = await system.api('PUT', `/api/v1/members/${member}`, {});
    expectError(replace, 405, 'REQUEST.METHOD_NOT_ALLOWED');
    expect(replace.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    const del = await system.api('DELETE', '/api/v1/analytics/members', undefined, HQ);
    expectError(del, 405, 'REQUEST.METHOD_NOT_ALLOWED');
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    // `/segments/preview` is its own path in the API document (POST only): a segment id is 24
    // hex digits, so `GET /segments/{id}` never served it, and `Allow` says what the document does.
    const put = await system.api('PUT', '/api/v1/segments/preview', {});
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    expect((await system.api('GET', '/api/v1/segments/preview')).status).toBe(405);
    expectError(await system.api('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
  });

  it('documents the 504 of a service time-out and the withheld counts in OpenAPI', async () => {
    const doc = (await system.api('GET', '/api/docs-json', undefined, { token: null })).body;
    const operations = Object.values(
      doc.paths as Record<string, Record<string, { responses: object }>>,
    ).flatMap((path) => Object.values(path));
    expect(operations.length).toBeGreaterThan(20);
    for (const operation of operations) expect(operation.responses).toHaveProperty('504');
    expect(doc.components.schemas.SegmentPreviewView.properties).toHaveProperty('countBelow');
    expect(doc.components.schemas.MemberFigures.properties).toHaveProperty('withheld');
  });
});
