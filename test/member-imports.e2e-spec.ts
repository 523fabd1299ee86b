/**
 * Archive imports end to end: gateway (JWT, validation, a file sent on in parts over NATS) →
 * members (job, background runner) → its database, polled through the gateway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { staffToken } from '@crm/testing';
import { startSystem, until, type TestSystem } from './support/system';

let system: TestSystem;
let adminToken: string;
let deskToken: string;
const runId = () => system.runId;
const dbOf = (service: 'members') => system.dbOf(service);

/** Imports are chain IT's work: calls go as an admin unless a token is given. */
const api = (method: string, path: string, body?: unknown, token: string | null = adminToken) =>
  system.api(method, path, body, { token });

const HEADER = '会员编号,姓名,手机,性别,出生日期,门店,地址,入会日期,短信营销';

/** Phones unique to this run: a prefix from the clock, then the row's number. */
const phonePrefix = `15${String(Date.now() % 1000).padStart(3, '0')}`;
const phoneOf = (n: number) => `${phonePrefix}${String(n).padStart(6, '0')}`;

function row(n: number, over: { name?: string; phone?: string; address?: string } = {}): string {
  return [
    `GZ-${runId()}-${n}`,
    over.name ?? `会员${n}`,
    over.phone ?? phoneOf(n),
    n % 2 ? '男' : '女',
    `19${50 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`,
    '',
    over.address ?? '',
    '2018-06-01',
    n % 4 === 0 ? '是' : '',
  ].join(',');
}

/** Polls a job until it ends; the URL is the `Location` the gateway answered with. */
async function finished(location: string, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await api('GET', location);
    expect(job.status).toBe(200);
    if (job.body.status === 'completed' || job.body.status === 'failed') return job.body;
    if (Date.now() > deadline) throw new Error(`import still ${job.body.status}: ${location}`);
    await sleep(500);
  }
}

beforeAll(async () => {
  system = await startSystem(['members', 'gateway']);
  adminToken = await staffToken(['admin'], { sub: 'E-IT-01' });
  deskToken = await staffToken(['desk_agent'], { storeId: 'S001' });
});

afterAll(async () => {
  await system?.stop();
});

describe('POST /api/v1/members/imports', () => {
  it('imports ~2,000 rows in the background, with progress, errors and conflicts, and the members are found by phone', async () => {
    const rows = [
      ...[...Array(1_990).keys()].map((n) => row(n)),
      row(5, { name: '会员5' }).replace(`GZ-${runId()}-5`, `GZ-${runId()}-5b`), // the same person again
      row(9_001, { name: '李强' }),
      row(9_001, { name: '李娜' }).replace(`GZ-${runId()}-9001`, `GZ-${runId()}-9002`), // same phone, another name
      ...[1, 2, 3].map((n) => row(9_100 + n, { phone: '12345' })),
    ];
    const started = await api('POST', '/api/v1/members/imports', {
      format: 'csv',
      sourceStoreId: 'S007',
      content: `${HEADER}\n${rows.join('\n')}\n`,
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'queued', sourceStoreId: 'S007', processed: 0 });
    const location = started.headers.get('location')!;
    expect(location).toBe(`/api/v1/members/imports/${started.body.id}`);

    const job = await finished(location);
    expect(job).toMatchObject({
      id: started.body.id,
      status: 'completed',
      total: 1_996,
      processed: 1_996,
      created: 1_990,
      merged: 1,
      failed: 3,
      conflicts: 2,
      reason: null,
    });
    expect(job.errors).toEqual(
      [1_994, 1_995, 1_996].map((r) => ({ row: r, field: 'phone', reason: expect.any(String) })),
    );
    expect(job.conflictList).toEqual([
      {
        phone: expect.stringMatching(/^\d{3}\*{4}\d{4}$/),
        rows: [1_992, 1_993],
        rowCount: 2,
        fields: ['name'],
      },
    ]);

    const found = await api('GET', `/api/v1/members?phone=${phoneOf(4)}`, undefined, deskToken);
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({
      name: '会员4',
      phone: phoneOf(4),
      channel: 'store',
      homeStoreId: 'S007',
      registeredAt: '2018-05-31T16:00:00.000Z',
      consents: { marketing: { sms: { granted: true, channel: 'import', takenBy: 'E-IT-01' } } },
      health: null,
    });
    const conflicted = await api(
      'GET',
      `/api/v1/members?phone=${phoneOf(9_001)}`,
      undefined,
      deskToken,
    );
    expect(conflicted.body.items).toEqual([]);
  });

  // 3 MB is over what one NATS message carries; 11 MB is over the gateway's usual body limit.
  it.each([3_000_000, 11_000_000])(
    'carries a %d-byte file to the members service in parts',
    async (size) => {
      // Long Chinese addresses make each row ~650 bytes; 100 rows per person keep the members few.
      const address = '浙江省杭州市西湖区文三路'.repeat(16).slice(0, 190);
      const rows: string[] = [];
      for (let n = 0, bytes = 0; bytes < size; n++) {
        const person = (size > 5_000_000 ? 300_000 : 200_000) + Math.floor(n / 100);
        rows.push(
          row(person, { address }).replace(`GZ-${runId()}-${person}`, `GZ-${runId()}-${n}-big`),
        );
        bytes += Buffer.byteLength(rows[n]!) + 1;
      }
      const content = `${HEADER}\n${rows.join('\n')}`;
      expect(Buffer.byteLength(content)).toBeGreaterThan(size);

      const started = await api('POST', '/api/v1/members/imports', {
        format: 'csv',
        sourceStoreId: 'S008',
        content,
      });
      expect(started.status).toBe(202);
      const job = await finished(started.headers.get('location')!);
      const people = Math.ceil(rows.length / 100);
      expect(job).toMatchObject({
        status: 'completed',
        total: rows.length,
        created: people,
        merged: rows.length - people,
        failed: 0,
      });
      const stored = await system.mongo
        .db(dbOf('members'))
        .collection('member_import_jobs')
        .findOne({ _id: started.body.id });
      expect(stored!.parts).toBeGreaterThanOrEqual(Math.ceil(size / (512 * 1024))); // parts under 512 KiB
      // The parts go once the job has completed.
      const parts = system.mongo.db(dbOf('members')).collection('member_import_parts');
      await until('the parts deleted', async () => (await parts.countDocuments()) === 0);
    },
  );

  // Issue 12 item 5: such a file was accepted and its status then answered 504 on every read
  // (its row errors, quoting 1,000-character keys, made a reply over NATS's 1 MB).
  it('reads the status of a 5 MB file of bad rows, its row errors a page at a time', async () => {
    const key = 'k'.repeat(1_000);
    const rows: string[] = [];
    for (let n = 0, bytes = 0; bytes < 5_000_000; n++) {
      rows.push(
        JSON.stringify({ legacyId: `BAD-${n}`, name: `坏行${n}`, phone: '12345', [key]: n }),
      );
      bytes += Buffer.byteLength(rows[n]!) + 1;
    }
    const content = `[${rows.join(',')}]`;
    expect(Buffer.byteLength(content)).toBeGreaterThan(5_000_000);

    const started = await api('POST', '/api/v1/members/imports', {
      format: 'json',
      sourceStoreId: 'S009',
      content,
    });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    const job = await finished(location);
    expect(job).toMatchObject({ status: 'completed', total: rows.length, failed: rows.length });
    expect(job.errors).toHaveLength(100);
    expect(job.errorsPage).toEqual({ offset: 0, limit: 100, listed: 1_000 });
    for (const error of job.errors) {
      expect(error.field.length).toBeLessThanOrEqual(64);
      expect(error.reason.length).toBeLessThanOrEqual(200);
    }
    const last = await api('GET', `${location}?errorsOffset=900&errorsLimit=200`);
    expect(last.status).toBe(200);
    expect(last.body.errors).toHaveLength(100);
    expect(last.body.errorsPage).toEqual({ offset: 900, limit: 200, listed: 1_000 });
    expect((await api('GET', `${location}?errorsLimit=201`)).status).toBe(400);
  });

  it('keeps the usual body limit on other routes', async () => {
    // The gateway answers 413 as soon as the limit is passed and stops reading, so the client
    // may see the answer or, still writing, a closed connection: either way it was refused.
    const outcome = await api('POST', '/api/v1/members', { name: 'x'.repeat(11 * 1024 * 1024) })
      .then((response) => response.status)
      .catch((error: Error & { cause?: { code?: string } }) => error.cause?.code);
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(outcome);
    expect((await api('GET', '/api/v1/members/imports/6740a1f2c3b4d5e6f7a8b9c0')).status).toBe(404);
  });

  it('answers 400 with a reason per field for a bad request', async () => {
    const unknownFormat = await api('POST', '/api/v1/members/imports', {
      format: 'xlsx',
      sourceStoreId: 'S001',
      content: 'legacyId,name,phone\n1,王芳,13800138000',
    });
    expect(unknownFormat.status).toBe(400);
    expect(unknownFormat.body.error).toMatchObject({
      code: 'VALIDATION.FAILED',
      details: [{ field: 'format', reasons: [expect.stringContaining('csv, json')] }],
    });

    const noStore = await api('POST', '/api/v1/members/imports', {
      format: 'csv',
      content: 'legacyId,name,phone\n1,王芳,13800138000',
    });
    expect(noStore.status).toBe(400);
    expect(noStore.body.error.details).toEqual([
      { field: 'sourceStoreId', reasons: ['sourceStoreId must be a store code such as S001'] },
    ]);
  });

  it('is for admins (chain IT) only', async () => {
    const manager = await staffToken(['store_manager'], { storeId: 'S001' });
    const body = {
      format: 'csv',
      sourceStoreId: 'S001',
      content: 'legacyId,name,phone\n1,王芳,13800138000',
    };
    const refused = await api('POST', '/api/v1/members/imports', body, manager);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('AUTH.FORBIDDEN');
    expect((await api('POST', '/api/v1/members/imports', body, null)).status).toBe(401);
    expect(
      (await api('GET', '/api/v1/members/imports/6740a1f2c3b4d5e6f7a8b9c0', undefined, manager))
        .status,
    ).toBe(403);
  });

  it('answers 404 for an unknown job, not a member lookup', async () => {
    const missing = await api('GET', '/api/v1/members/imports/6740a1f2c3b4d5e6f7a8b9c0');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('No import job');
  });
});
