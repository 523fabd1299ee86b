/**
 * Archive imports against the real MongoDB-wire server: the file received in parts, the
 * runner's claim and lease, identity resolution against members on file, and a crash
 * half-way through followed by a resumed run that creates nobody twice.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import type { ImportJobView } from '@crm/contracts';
import { FieldCipher } from '@crm/crypto';
import type { RpcActor } from '@crm/messaging';
import { devEnv } from '@crm/testing';
import type { MembersOutbox } from '../events/members-outbox';
import { HealthAuditRepository } from '../members/health-audit.repository';
import { PHONE_FIELD } from '../members/member-crypto';
import type { MemberDocument } from '../members/member.document';
import { MemberRepository } from '../members/member.repository';
import { PhoneClaimRepository } from '../members/phone-claims.repository';
import { MemberEnrollment } from '../registration/member-enrollment';
import { RegisterMember } from '../registration/register-member.handler';
import { ApplyImportedPerson, type ImportedMemberFields } from './apply-imported-person';
import { GetImport } from './get-import.handler';
import { ImportJobRepository } from './import-job.repository';
import { ImportLeaseRepository } from './import-lease.repository';
import { ImportPartRepository } from './import-parts.repository';
import { ImportRunner } from './import-runner';
import { ReceiveImport } from './receive-import.handler';
import { RunImportJob } from './run-import-job';

const admin: RpcActor = { sub: 'E-IT-01', roles: ['admin'] };
const HEADER = '会员编号,姓名,手机,性别,出生日期,门店,入会日期,短信营销,区县,地址';

/** One CSV line in the column order of HEADER. */
function line(cells: {
  id: string;
  name?: string;
  phone: string;
  gender?: string;
  birthDate?: string;
  store?: string;
  registeredAt?: string;
  sms?: string;
  district?: string;
  street?: string;
}): string {
  const { id, name = '', phone, gender = '', birthDate = '', store = '' } = cells;
  return [
    id,
    name,
    phone,
    gender,
    birthDate,
    store,
    cells.registeredAt ?? '',
    cells.sms ?? '',
    cells.district ?? '',
    cells.street ?? '',
  ].join(',');
}

/** `count` distinct, well-formed people whose phones start with `prefix` (3 digits). */
function people(prefix: string, count: number, idPrefix: string): string[] {
  return [...Array(count).keys()].map((i) =>
    line({
      id: `${idPrefix}-${i}`,
      name: `会员${i}`,
      phone: `${prefix}${String(i).padStart(8, '0')}`,
      gender: i % 2 ? '男' : '女',
      birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      registeredAt: '2019-03-02',
      sms: i % 3 === 0 ? '是' : '',
    }),
  );
}

describe('archive import against the MongoDB-wire server', () => {
  let connection: mongoose.Connection;
  let cipher: FieldCipher;
  let members: MemberRepository;
  let phones: PhoneClaimRepository;
  let jobs: ImportJobRepository;
  let leases: ImportLeaseRepository;
  let parts: ImportPartRepository;
  let register: RegisterMember;
  let runJob: RunImportJob;
  let runner: ImportRunner;
  /** A second process: another replica, or the same service after a restart. */
  let replica: ImportRunner;
  let receive: ReceiveImport;
  let getImport: GetImport;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_imports_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    const env = devEnv();
    cipher = new FieldCipher({
      keys: FieldCipher.parseKeys(env.MEMBERS_DATA_KEYS!),
      activeKeyId: env.MEMBERS_ACTIVE_KEY_ID!,
      blindIndexKey: Buffer.from(env.MEMBERS_BLIND_INDEX_KEY!, 'base64'),
    });
    members = new MemberRepository(connection);
    await members.onModuleInit(); // the unique phone index registration relies on
    phones = new PhoneClaimRepository(connection);
    // No relay here: events stay in the members' outboxes, where the test reads them.
    const outbox = { nudge: () => undefined } as unknown as MembersOutbox;
    const enrollment = new MemberEnrollment(members, phones, outbox);
    register = new RegisterMember(enrollment, cipher, new HealthAuditRepository(connection));
    jobs = new ImportJobRepository(connection);
    parts = new ImportPartRepository(connection);
    leases = new ImportLeaseRepository(connection);
    runJob = new RunImportJob(jobs, parts, new ApplyImportedPerson(enrollment, members, cipher));
    const options = { pollMs: 100, leaseMs: 5_000 };
    runner = new ImportRunner(jobs, leases, parts, runJob, options);
    replica = new ImportRunner(jobs, leases, parts, runJob, options);
    receive = new ReceiveImport(jobs, parts, runner);
    getImport = new GetImport(jobs);
  });

  afterAll(async () => {
    await runner.stop();
    await connection.db!.dropDatabase();
    await connection.close();
  });

  /** Sends a file as the gateway does: opened, in `count` parts (one of them twice), committed. */
  async function submit(content: string, count = 3): Promise<ImportJobView> {
    const job = await receive.create({ format: 'csv', sourceStoreId: 'S009' }, admin);
    expect(job.status).toBe('receiving');
    const size = Math.ceil(content.length / count);
    for (let seq = 0; seq < count; seq++) {
      const data = content.slice(seq * size, (seq + 1) * size);
      await receive.append({ jobId: job.id, seq, data });
      if (seq === 1) await receive.append({ jobId: job.id, seq, data }); // a retried send
    }
    const queued = await receive.commit({ jobId: job.id, parts: count });
    expect(queued.status).toBe('queued');
    return queued;
  }

  async function memberByPhone(phone: string) {
    const claim = await phones.find(cipher.blindIndex(phone, PHONE_FIELD));
    return claim
      ? ((await members.collection.findOne({
          _id: new mongoose.Types.ObjectId(claim.memberId),
        } as never)) as (MemberDocument & Partial<ImportedMemberFields>) | null)
      : null;
  }

  async function createdBy(jobId: string): Promise<number> {
    return members.collection.countDocuments({ importJobId: jobId } as never);
  }

  async function completion(jobId: string, timeoutMs = 120_000): Promise<ImportJobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await getImport.execute({ id: jobId });
      if (view.status === 'completed' || view.status === 'failed') return view;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${view.status}`);
      await sleep(200);
    }
  }

  it('imports a file with Chinese headers: creates, folds, matches members on file, lists errors and conflicts', async () => {
    const matched = await register.execute(
      {
        name: '赵敏',
        phone: '13600000001',
        channel: 'store',
        homeStoreId: 'S001',
        birthDate: '1980-01-01',
      },
      admin,
    );
    const differing = await register.execute(
      { name: '钱伟', phone: '13600000002', channel: 'store', homeStoreId: 'S001' },
      admin,
    );
    const rows = [
      ...people('137', 280, 'HZ'),
      line({
        id: 'FOLD-1',
        name: '王芳',
        phone: '13500000001',
        birthDate: '1968-04-12',
        district: '西湖区',
        street: '文三路 90 号',
      }),
      line({ id: 'FOLD-2', name: '王 芳', phone: '+86 135-0000-0001', gender: '女', sms: '否' }),
      line({ id: 'PAIR-1', name: '李强', phone: '13500000002', birthDate: '1970-01-01' }),
      line({ id: 'PAIR-2', name: '李娜', phone: '13500000002', birthDate: '1970-01-01' }),
      line({ id: 'ON-FILE-1', name: '赵敏', phone: '13600000001', birthDate: '1980-01-01' }),
      line({ id: 'ON-FILE-2', name: '孙丽', phone: '13600000002' }),
      ...[1, 2, 3, 4].map((i) => line({ id: `BAD-PHONE-${i}`, name: '周杰', phone: `1234${i}` })),
      ...[1, 2, 3].map((i) => line({ id: `NO-NAME-${i}`, phone: `1580000000${i}` })),
      ...[1, 2].map((i) =>
        line({
          id: `BAD-DATE-${i}`,
          name: '吴昊',
          phone: `1590000000${i}`,
          birthDate: '1990-13-01',
        }),
      ),
      line({
        id: 'BAD-TWICE',
        name: '郑爽',
        phone: '15900000009',
        birthDate: '1990-02-30',
        gender: 'x',
      }),
    ];
    const job = await submit(`${HEADER}\n${rows.join('\n')}\n`);
    runner.start();
    const done = await completion(job.id);

    expect(done).toMatchObject({
      status: 'completed',
      total: 296,
      processed: 296,
      created: 281, // 280 people + the folded pair
      merged: 2, // the pair's second row, and the member on file with the same identity
      failed: 10,
      conflicts: 3, // the pair that disagrees, and the row that disagrees with a member on file
      sourceStoreId: 'S009',
      reason: null,
    });
    expect(done.finishedAt).toEqual(expect.any(String));
    expect(done.errors).toHaveLength(11); // one row has two bad fields
    expect(done.errors).toEqual(
      expect.arrayContaining([
        { row: 287, field: 'phone', reason: expect.stringContaining('mainland mobile') },
        { row: 291, field: 'name', reason: 'name is required' },
        { row: 296, field: 'gender', reason: expect.any(String) },
      ]),
    );
    expect(done.conflictList).toEqual([
      { phone: '135****0002', rows: [283, 284], rowCount: 2, fields: ['name'] },
      {
        phone: '136****0002',
        rows: [286],
        rowCount: 1,
        fields: ['name'],
        existingMemberId: differing.id,
      },
    ]);
    expect(await parts.received(job.id, 3)).toEqual({ missing: [0, 1, 2], length: 0 });
    expect(await createdBy(job.id)).toBe(281);

    const imported = (await memberByPhone('13700000003'))!;
    expect(imported).toMatchObject({
      name: '会员3',
      channel: 'store',
      homeStoreId: 'S009',
      registeredBy: admin.sub,
      registeredAt: new Date('2019-03-02T00:00:00+08:00'),
      healthEnc: null,
      legacyIds: [{ storeId: 'S009', id: 'HZ-3' }],
      consents: {
        marketing: { sms: { granted: true, channel: 'import', takenBy: admin.sub } },
        healthData: null,
      },
    });
    expect(imported.outbox?.map((entry) => entry.envelope.type)).toEqual(['member.registered']);
    expect((await memberByPhone('13700000001'))!.consents.marketing).toEqual({});

    const folded = (await memberByPhone('13500000001'))!;
    expect(folded.legacyIds).toEqual([
      { storeId: 'S009', id: 'FOLD-1' },
      { storeId: 'S009', id: 'FOLD-2' },
    ]);
    expect(folded.consents.marketing.sms?.granted).toBe(false);
    expect(folded.address).toEqual({ district: '西湖区', street: '文三路 90 号' });
    expect(imported.address).toBeNull();
    expect(await memberByPhone('13500000002')).toBeNull(); // held back for a person to decide

    const onFile = (await memberByPhone('13600000001'))!;
    expect(String(onFile._id)).toBe(matched.id);
    expect(onFile.legacyIds).toEqual([{ storeId: 'S009', id: 'ON-FILE-1' }]);
    expect(onFile.name).toBe('赵敏');
    expect((await memberByPhone('13600000002'))!.legacyIds).toBeUndefined();
    await runner.stop();
  });

  it('fails a file it cannot read, with the reason, and keeps none of it', async () => {
    const job = await submit('会员编号,姓名\nHZ-1,王芳\n', 1);
    expect(await replica.runOnce()).toBe(true);
    const failed = await getImport.execute({ id: job.id });
    expect(failed).toMatchObject({ status: 'failed', reason: 'Missing CSV columns: phone' });
    expect(failed.finishedAt).toEqual(expect.any(String));
    expect(await parts.received(job.id, 1)).toEqual({ missing: [0], length: 0 });
  });

  it('refuses a commit with parts missing, naming them', async () => {
    const job = await receive.create({ format: 'csv', sourceStoreId: 'S009' }, admin);
    await receive.append({ jobId: job.id, seq: 1, data: 'x' });
    await expect(receive.commit({ jobId: job.id, parts: 3 })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      details: [{ field: 'parts', reasons: [expect.stringContaining('parts 0, 2 are missing')] }],
    });
  });

  it('gives a job to one of two processes taking it at once', async () => {
    const job = await submit(`${HEADER}\n${people('188', 2, 'ONE').join('\n')}`, 1);
    const taken = await Promise.all([runner.takeNext(), replica.takeNext()]);
    const winners = taken.filter((t) => t?.job._id === job.id);
    expect(winners).toHaveLength(1);
    // The winner hands it back, as on shutdown; the other takes it up and finishes it.
    await jobs.release(job.id, winners[0]!.job.owner!);
    await leases.expire(winners[0]!.lease);
    expect(await replica.runOnce()).toBe(true);
    expect(await getImport.execute({ id: job.id })).toMatchObject({
      status: 'completed',
      created: 2,
    });
  });

  it('resumes a job whose process died half-way: nobody created twice, counters exact', async () => {
    const rows = [
      ...people('177', 2_400, 'GZ'),
      line({ id: 'GZ-BAD', name: '错', phone: '999' }),
      line({ id: 'GZ-0-AGAIN', name: '会员0', phone: '17700000000' }), // folds into GZ-0
    ];
    const job = await submit(`${HEADER}\n${rows.join('\n')}`, 4);

    // The process "dies" just before its third checkpoint: the second batch of people was
    // applied but not recorded. One of those members is lost too, as if the process died
    // between claiming the phone and inserting the member.
    const save = jobs.saveProgress.bind(jobs);
    let saves = 0;
    const dying = new ImportRunner(jobs, leases, parts, runJob, { pollMs: 100, leaseMs: 5_000 });
    const crash = jest.spyOn(jobs, 'saveProgress').mockImplementation(async (...args) => {
      if (++saves === 3) throw new Error('simulated crash');
      return save(...args);
    });
    expect(await dying.runOnce()).toBe(true);
    crash.mockRestore();

    const interrupted = await getImport.execute({ id: job.id });
    expect(interrupted.status).toBe('running');
    expect(interrupted.processed).toBeGreaterThanOrEqual(1_000);
    expect(interrupted.processed).toBeLessThan(2_000);
    const madeBeforeCrash = await createdBy(job.id);
    expect(madeBeforeCrash).toBeGreaterThan(interrupted.created);
    const lost = await members.collection.findOne({
      importJobId: job.id,
      name: '会员1500',
    } as never);
    expect(lost).not.toBeNull();
    await members.collection.deleteOne({ _id: lost!._id } as never);

    // Nobody renews the lease; once it has run out, another process takes the job up again.
    expect(await replica.takeNext()).toBeNull();
    await leases.expire((await leases.latest(job.id))!);
    expect(await replica.runOnce()).toBe(true);

    const done = await getImport.execute({ id: job.id });
    expect(done).toMatchObject({
      status: 'completed',
      total: 2_402,
      processed: 2_402,
      created: 2_400,
      merged: 1,
      failed: 1,
      conflicts: 0,
    });
    expect(await createdBy(job.id)).toBe(2_400);
    expect(await memberByPhone('17700001500')).toMatchObject({ name: '会员1500' });
    const stored = await jobs.findById(job.id);
    expect(stored).toMatchObject({ attempts: 2, owner: null });
    expect(await leases.latest(job.id)).toBeNull();
  });
});
