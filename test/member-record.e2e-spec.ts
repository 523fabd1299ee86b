/**
 * The member record through the gateway: PATCH with field reasons, the history of every
 * change (health values encrypted in it, shown by role), consent withdrawal, `member.updated`;
 * and the data subject's rights: export and erasure with `member.erased`.
 */
import { ObjectId } from 'mongodb';
import { Topics, type EventEnvelope } from '@crm/contracts';
import { readTopic, testKafka } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'gateway']);
});

afterAll(async () => {
  await system?.stop();
});

async function registerMember(extra: object = {}) {
  const created = await system.api('POST', '/api/v1/members', {
    name: '陈静',
    phone: uniquePhone('138'),
    channel: 'store',
    homeStoreId: 'S001',
    ...extra,
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; phone: string };
}

describe('profile changes', () => {
  it('keeps address, lifestyle and employer from registration, and changes only the fields given', async () => {
    const member = await registerMember({
      address: { region: '上海市', district: '浦东新区', street: '张杨路 100 弄' },
      employer: '上海电气集团',
      jobTitle: 'engineer',
      lifestyle: { hobbies: ['tai chi'], importantDates: [{ kind: 'anniversary', date: '05-20' }] },
    });
    const before = new Date(Date.now() - 1000);
    const patched = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      address: { region: '上海市', district: '徐汇区' },
      maritalStatus: 'married',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: '陈静',
      employer: '上海电气集团',
      address: { region: '上海市', district: '徐汇区' },
      maritalStatus: 'married',
      lifestyle: { hobbies: ['tai chi'] },
    });
    const again = await system.api('GET', `/api/v1/members/${member.id}`);
    expect(again.body).toMatchObject({ maritalStatus: 'married', jobTitle: 'engineer' });

    const history = await system.api('GET', `/api/v1/members/${member.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      actor: expect.any(String),
      roles: ['desk_agent'],
    });
    expect(history.body.items[0].changes).toEqual(
      expect.arrayContaining([
        {
          field: 'address',
          old: { region: '上海市', district: '浦东新区', street: '张杨路 100 弄' },
          new: { region: '上海市', district: '徐汇区' },
          masked: false,
        },
        { field: 'maritalStatus', old: null, new: 'married', masked: false },
      ]),
    );
    const events = await readTopic(
      Topics.membersEvents,
      (all) => all.some((m) => m.key === member.id && m.value?.includes('member.updated')),
      15000,
      before,
    );
    const updated = events
      .filter((m) => m.key === member.id)
      .map((m) => JSON.parse(m.value!) as EventEnvelope<{ fields: string[] }>)
      .filter((e) => e.type === 'member.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]!.payload.fields.sort()).toEqual(['address', 'maritalStatus']);
    expect(JSON.stringify(updated[0])).not.toContain('徐汇区');
  });

  it('rejects bad fields with reasons and changes nothing', async () => {
    const member = await registerMember();
    const bad = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      birthDate: '1800-01-01',
      education: 'wizard',
      address: { postalCode: '12' },
      phone: '13900000000',
      $set: { name: 'x' },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(
      expect.arrayContaining(['change.birthDate', 'change.education', 'change.address.postalCode']),
    );
    expect(JSON.stringify(bad.body)).toContain('phone');
    const history = await system.api('GET', `/api/v1/members/${member.id}/history`);
    expect(history.body.items).toEqual([]);
    expect(
      (await system.api('PATCH', '/api/v1/members/ffffffffffffffffffffffff', { name: 'x' })).status,
    ).toBe(404);
  });

  it('keeps health changes encrypted in the history, shown to pharmacists and masked for clerks', async () => {
    const member = await registerMember();
    const withoutConsent = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      health: { allergies: [{ allergen: 'penicillin' }] },
    });
    expect(withoutConsent.status).toBe(400);
    expect(withoutConsent.body.error.details[0].field).toBe('health');

    const canary = `canary-reaction-${system.runId}`;
    const granted = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      consents: { healthData: true },
      consentChannel: 'store',
      health: {
        conditions: [{ group: 'diabetes', icd10: 'E11' }],
        allergies: [{ allergen: 'penicillin', reaction: canary }],
      },
    });
    expect(granted.status).toBe(200);
    expect(granted.body.consents.healthData).toMatchObject({ granted: true, channel: 'store' });

    const stored = await system.mongo
      .db(system.dbOf('members'))
      .collection('member_history')
      .find({ memberId: member.id })
      .toArray();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(canary);
    expect(JSON.stringify(stored)).toContain('enc:v1:');

    const asPharmacist = await system.api(
      'GET',
      `/api/v1/members/${member.id}/history`,
      undefined,
      ['pharmacist'],
    );
    const healthChange = asPharmacist.body.items[0].changes.find(
      (c: { field: string }) => c.field === 'health',
    );
    expect(healthChange).toMatchObject({ old: null, masked: false });
    expect(healthChange.new.allergies).toEqual([{ allergen: 'penicillin', reaction: canary }]);

    const asClerk = await system.api('GET', `/api/v1/members/${member.id}/history`, undefined, [
      'store_clerk',
    ]);
    expect(asClerk.status).toBe(200);
    expect(asClerk.body.items[0].changes).toContainEqual({
      field: 'health',
      old: null,
      new: null,
      masked: true,
    });
    expect(JSON.stringify(asClerk.body)).not.toContain(canary);

    const audit = await system.api('GET', `/api/v1/members/${member.id}/health-audit`, undefined, [
      'admin',
    ]);
    expect(
      audit.body.items.map((a: { action: string; purpose: string }) => `${a.action}:${a.purpose}`),
    ).toEqual(expect.arrayContaining(['write:member.update', 'read:member.history']));

    const withdrawn = await system.api('PATCH', `/api/v1/members/${member.id}`, {
      consents: { healthData: false },
      consentChannel: 'hotline',
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ health: null, healthMasked: false });
    const doc = await system.mongo
      .db(system.dbOf('members'))
      .collection('members')
      .findOne({ _id: new ObjectId(member.id) });
    expect(doc).toMatchObject({ healthEnc: null });
  });

  it('applies concurrent edits one after another, each in the history', async () => {
    const member = await registerMember();
    const results = await Promise.all(
      ['engineer', 'teacher', 'doctor'].map((jobTitle, i) =>
        system.api('PATCH', `/api/v1/members/${member.id}`, { jobTitle, employer: `E${i}` }),
      ),
    );
    // Each loser re-reads and re-applies: three edits need at most three attempts.
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const history = await system.api('GET', `/api/v1/members/${member.id}/history`);
    expect(history.body.items).toHaveLength(3);
  });
});

describe('data-subject rights', () => {
  it('exports everything held about the member, to admins and desk agents only', async () => {
    const member = await registerMember({
      consents: { healthData: true },
      health: { allergies: [{ allergen: 'sulfonamide' }] },
    });
    await system.api('PATCH', `/api/v1/members/${member.id}`, { employer: '华东医药' });
    const exported = await system.api('GET', `/api/v1/members/${member.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      member: { id: member.id, phone: member.phone, employer: '华东医药' },
      purchases: [],
      alsoHeldBy: expect.arrayContaining(['loyalty']),
    });
    // This suite runs no loyalty service: the export says its part is missing, never omits it.
    expect(exported.body).toMatchObject({
      memberId: member.id,
      complete: false,
      services: {
        members: { status: 'ok' },
        loyalty: { status: 'unavailable', error: { code: 'UPSTREAM.UNAVAILABLE' } },
      },
    });
    expect(exported.body.member.health.allergies).toEqual([{ allergen: 'sulfonamide' }]);
    expect(exported.body.history[0].changes).toContainEqual({
      field: 'employer',
      old: null,
      new: '华东医药',
      masked: false,
    });
    expect(exported.body.healthAccess.map((a: { purpose: string }) => a.purpose)).toContain(
      'member.register',
    );
    const asClerk = await system.api('GET', `/api/v1/members/${member.id}/export`, undefined, [
      'store_clerk',
    ]);
    expect(asClerk.status).toBe(403);
  });

  it('erases personal and health data, keeps anonymous figures, and tells every service once', async () => {
    const since = new Date(Date.now() - 1000);
    const member = await registerMember({
      email: 'erase.me@example.com',
      address: { region: '杭州市', street: '文三路 1 号' },
      consents: { healthData: true },
      health: { conditions: [{ group: 'hypertension' }] },
    });
    await system.api('PATCH', `/api/v1/members/${member.id}`, { jobTitle: 'nurse' });
    expect((await system.api('DELETE', `/api/v1/members/${member.id}`)).status).toBe(403);

    const erased = await system.api('DELETE', `/api/v1/members/${member.id}`, undefined, ['admin']);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ memberId: member.id, erasedAt: expect.any(String) });
    const again = await system.api('DELETE', `/api/v1/members/${member.id}`, undefined, ['admin']);
    expect(again.body).toEqual(erased.body);

    expect((await system.api('GET', `/api/v1/members/${member.id}`)).status).toBe(404);
    const byPhone = await system.api('GET', `/api/v1/members?phone=${member.phone}`);
    expect(byPhone.body.items).toEqual([]);

    const db = system.mongo.db(system.dbOf('members'));
    const shell = await db.collection('members').findOne({ _id: new ObjectId(member.id) });
    expect(shell).toMatchObject({ name: '', phoneEnc: '', healthEnc: null, homeStoreId: 'S001' });
    for (const field of ['email', 'address', 'jobTitle', 'birthDate'])
      expect(shell).not.toHaveProperty(field);
    expect(await db.collection('member_history').countDocuments({ memberId: member.id })).toBe(0);
    expect(JSON.stringify(shell)).not.toContain('erase.me');

    const events = await readTopic(
      Topics.membersEvents,
      (all) => all.some((m) => m.key === member.id && m.value?.includes('member.erased')),
      15000,
      since,
    );
    const erasedEvents = events.filter(
      (m) => m.key === member.id && m.value?.includes('"member.erased"'),
    );
    expect(erasedEvents).toHaveLength(1);

    // The number is free again: the person may register anew as a new member.
    const anew = await system.api('POST', '/api/v1/members', {
      name: '新会员',
      phone: member.phone,
      channel: 'online',
    });
    expect(anew.status).toBe(201);
    expect(anew.body.id).not.toBe(member.id);
  });
});

describe('member grade', () => {
  it('rises with event attendance (once per event) and with referrals', async () => {
    const referrer = await registerMember();
    expect((await system.api('GET', `/api/v1/members/${referrer.id}`)).body).toMatchObject({
      grade: 0,
      relationship: { lifetimePurchases: 0, eventsAttended: 0, referrals: 0 },
    });
    const attend = () =>
      system.api('POST', `/api/v1/members/${referrer.id}/event-attendances`, {
        eventId: `EV-${system.runId}-bone-health`,
      });
    expect((await attend()).body).toEqual({
      grade: 40,
      relationship: { lifetimePurchases: 0, eventsAttended: 1, referrals: 0 },
    });
    expect((await attend()).body.relationship.eventsAttended).toBe(1);

    const friend = await registerMember({ referredBy: referrer.id });
    const grade = await until('the referral to count', async () => {
      const view = await system.api('GET', `/api/v1/members/${referrer.id}`);
      return view.body.relationship.referrals === 1 && view.body.grade;
    });
    expect(grade).toBe(60);
    expect((await system.api('GET', `/api/v1/members/${friend.id}`)).body.grade).toBe(0);

    const bad = await system.api('POST', `/api/v1/members/${referrer.id}/event-attendances`, {
      eventId: 'no spaces allowed',
    });
    expect(bad.status).toBe(400);
    const unknown = await system.api(
      'POST',
      '/api/v1/members/ffffffffffffffffffffffff/event-attendances',
      { eventId: 'EV-1' },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('member analytics', () => {
  it('gives HQ aggregates only, and store managers their own store', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    await registerMember({ gender: 'female', birthDate: '1958-02-03' });
    await registerMember({ gender: 'male', homeStoreId: 'S002' });
    const query = `/api/v1/analytics/members?from=${month}&to=${month}`;

    const hq = await system.api('GET', `${query}&by=gender`, undefined, ['hq_analyst']);
    expect(hq.status).toBe(200);
    expect(hq.body.totals.members).toBeGreaterThanOrEqual(2);
    expect(hq.body.totals.newMembers).toBe(hq.body.totals.members);
    expect(hq.body.groups.map((g: { key: string }) => g.key)).toEqual(
      expect.arrayContaining(['female', 'male']),
    );
    expect(JSON.stringify(hq.body)).not.toMatch(/1[3-9]\d{9}/);

    const manager = await system.api('GET', `${query}&by=store`, undefined, ['store_manager']);
    expect(manager.status).toBe(200);
    expect(manager.body.storeId).toBe('S001');
    expect(manager.body.groups.map((g: { key: string }) => g.key)).toEqual(['S001']);
    const otherStore = await system.api('GET', `${query}&storeId=S002`, undefined, [
      'store_manager',
    ]);
    expect(otherStore.status).toBe(403);

    expect((await system.api('GET', query, undefined, ['store_clerk'])).status).toBe(403);
    expect(
      (await system.api('GET', `/api/v1/members/${'a'.repeat(24)}`, undefined, ['hq_analyst']))
        .status,
    ).toBe(403);
    const bad = await system.api(
      'GET',
      `/api/v1/analytics/members?from=2026-13&to=x&by=phone`,
      undefined,
      ['hq_analyst'],
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'by',
      'from',
      'to',
    ]);
  });
});

describe('merging duplicates', () => {
  it('folds a duplicate into the survivor once: purchases, figures, phone; member.merged for the others', async () => {
    const since = new Date(Date.now() - 1000);
    const survivor = await registerMember({ name: '王磊' });
    const duplicate = await registerMember({ name: '王磊', homeStoreId: 'S002' });
    await system.api('POST', `/api/v1/members/${duplicate.id}/event-attendances`, {
      eventId: `EV-${system.runId}-merge`,
    });
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: Topics.posTransactions,
      messages: [1, 2].map((n) => ({
        key: duplicate.phone,
        value: JSON.stringify({
          transactionId: `MERGE-${system.runId}-${n}`,
          type: 'sale',
          storeId: 'S002',
          region: 'east',
          occurredAt: new Date().toISOString(),
          member: { phone: duplicate.phone },
          items: [
            {
              sku: '690000000002',
              name: 'Calcium',
              category: 'bone-health',
              rx: false,
              quantity: 1,
              unitPriceCents: 3000,
            },
          ],
          totalCents: 3000,
        }),
      })),
    });
    await producer.disconnect();
    await until(
      'the duplicate’s purchases',
      async () =>
        (await system.api('GET', `/api/v1/members/${duplicate.id}`)).body.purchaseSummary
          ?.purchases12m === 2,
    );

    const merge = () =>
      system.api('POST', `/api/v1/members/${survivor.id}/merge`, { duplicateId: duplicate.id });
    const merged = await merge();
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({
      survivorId: survivor.id,
      mergedId: duplicate.id,
      purchasesMoved: 2,
    });
    expect((await merge()).status).toBe(200);

    const view = (await system.api('GET', `/api/v1/members/${survivor.id}`)).body;
    expect(view.purchaseSummary).toMatchObject({ purchases12m: 2, spend12mCents: 6000 });
    expect(view.relationship).toMatchObject({ lifetimePurchases: 2, eventsAttended: 1 });
    expect(
      (await system.api('GET', `/api/v1/members/${survivor.id}/purchases`)).body.items,
    ).toHaveLength(2);
    const byOldPhone = await system.api('GET', `/api/v1/members?phone=${duplicate.phone}`);
    expect(byOldPhone.body.items.map((m: { id: string }) => m.id)).toEqual([survivor.id]);
    const gone = await system.api('GET', `/api/v1/members/${duplicate.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.details[0].mergedInto).toBe(survivor.id);

    const events = await readTopic(
      Topics.membersEvents,
      (all) => all.some((m) => m.key === survivor.id && m.value?.includes('member.merged')),
      15000,
      since,
    );
    expect(
      events.filter((m) => m.key === survivor.id && m.value?.includes('"member.merged"')),
    ).toHaveLength(1);

    expect(
      (
        await system.api('POST', `/api/v1/members/${survivor.id}/merge`, {
          duplicateId: survivor.id,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await system.api(
          'POST',
          `/api/v1/members/${survivor.id}/merge`,
          { duplicateId: duplicate.id },
          ['store_clerk'],
        )
      ).status,
    ).toBe(403);
  });
});
