/**
 * Segments through the gateway: criteria validated field by field, evaluated by the members
 * service's in-memory index that follows registrations, profile changes and POS sales.
 */
import { Topics } from '@crm/contracts';
import { testKafka } from '@crm/testing';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'gateway']);
});

afterAll(async () => {
  await system?.stop();
});

const preview = (criteria: object, roles?: string[]) =>
  system.api('POST', '/api/v1/segments/preview', { criteria }, roles);

async function register(body: object): Promise<{ id: string; phone: string }> {
  const created = await system.api('POST', '/api/v1/members', {
    phone: uniquePhone('136'),
    channel: 'store',
    homeStoreId: 'S001',
    ...body,
  });
  expect(created.status).toBe(201);
  return created.body;
}

describe('segments', () => {
  let diabeticWoman: { id: string; phone: string };
  let youngMan: { id: string; phone: string };

  beforeAll(async () => {
    diabeticWoman = await register({
      name: '李秀英',
      gender: 'female',
      birthDate: '1955-05-05',
      address: { region: '上海市' },
      consents: { healthData: true, marketing: { sms: true } },
      health: {
        conditions: [{ group: 'diabetes', icd10: 'E11' }],
        medications: [{ name: 'metformin', atc: 'A10BA02' }],
      },
    });
    youngMan = await register({ name: '张伟', gender: 'male', birthDate: '1995-01-01' });
    await until('both members in the index', async () => (await preview({})).body?.count === 2);
  });

  it('selects by demographics, health codes (with consent), medication ATC prefix and consent channel', async () => {
    const diabetics = await preview({
      genders: ['female'],
      ageMin: 60,
      diseaseGroups: ['diabetes'],
      medicationAtc: ['A10'],
      consentChannel: 'sms',
      regions: ['上海市'],
    });
    expect(diabetics.status).toBe(200);
    expect(diabetics.body).toMatchObject({ count: 1, sample: [diabeticWoman.id] });
    expect((await preview({ genders: ['male'], ageMax: 40 })).body.sample).toEqual([youngMan.id]);
    expect((await preview({ diseaseGroups: ['hypertension'] })).body.count).toBe(0);
  });

  it('follows purchases from the POS topic and profile changes', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: Topics.posTransactions,
      messages: [
        {
          key: youngMan.phone,
          value: JSON.stringify({
            transactionId: `SEG-${system.runId}-1`,
            type: 'sale',
            storeId: 'S001',
            region: 'east',
            occurredAt: new Date().toISOString(),
            member: { phone: youngMan.phone },
            items: [
              {
                sku: '690000000001',
                name: 'Vitamin C',
                category: 'vitamins',
                rx: false,
                quantity: 2,
                unitPriceCents: 2500,
              },
            ],
            totalCents: 5000,
          }),
        },
      ],
    });
    await producer.disconnect();
    const buyers = await until('the sale to reach the index', async () => {
      const r = await preview({
        purchasedWithinDays: 1,
        spend12mCents: { min: 5000 },
        categories: ['vitamins'],
      });
      return r.body.count === 1 && r.body;
    });
    expect(buyers.sample).toEqual([youngMan.id]);

    await system.api('PATCH', `/api/v1/members/${diabeticWoman.id}`, {
      consents: { marketing: { sms: false } },
      consentChannel: 'hotline',
    });
    await until(
      'the withdrawn consent to reach the index',
      async () => (await preview({ consentChannel: 'sms' })).body.count === 0,
    );
  });

  it('rejects unknown fields and operators with a reason each, before any query', async () => {
    const bad = await preview({ age: 60, ageMin: { $gt: 1 }, genders: 'female', grades: [30] });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'criteria.age',
        'criteria.ageMin',
        'criteria.genders',
        'criteria.grades',
      ]),
    );
    const injected = await system.api('POST', '/api/v1/segments/preview', {
      criteria: { $where: 'sleep(1000)' },
    });
    expect(injected.status).toBe(400);
    expect((await preview({ spend12mCents: { min: 10, max: 5 } })).status).toBe(400);
  });

  it('saves a segment whose members campaigns page through; HQ sees counts only', async () => {
    const saved = await system.api('POST', '/api/v1/segments', { name: 'Everyone', criteria: {} });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: 'Everyone', count: 2 });
    const first = await system.api('GET', `/api/v1/segments/${saved.body.id}/members?limit=1`);
    expect(first.body.memberIds).toHaveLength(1);
    const second = await system.api(
      'GET',
      `/api/v1/segments/${saved.body.id}/members?limit=1&after=${first.body.next}`,
    );
    expect([...first.body.memberIds, ...second.body.memberIds].sort()).toEqual(
      [diabeticWoman.id, youngMan.id].sort(),
    );
    expect(second.body.next).toBeNull();

    // Two members: fewer than the minimum group size (5), so HQ's count is withheld.
    const hq = await preview({}, ['hq_analyst']);
    expect(hq.body).toMatchObject({ count: null, countBelow: 5, sample: [] });
    expect(
      (await system.api('POST', '/api/v1/segments', { name: 'x', criteria: {} }, ['hq_analyst']))
        .status,
    ).toBe(403);
    expect(
      (
        await system.api('GET', `/api/v1/segments/${saved.body.id}/members`, undefined, [
          'hq_analyst',
        ])
      ).status,
    ).toBe(403);
    expect((await system.api('GET', `/api/v1/segments/${'0'.repeat(24)}`)).status).toBe(404);
  });
});
