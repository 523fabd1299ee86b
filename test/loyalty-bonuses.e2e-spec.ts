/**
 * One-off bonuses and the reward catalogue through the gateway: a bonus asked for twice counts
 * once and shows in the member's points; only the right roles may give one; a bad body is a
 * 400 naming its fields; a reward an admin adds can be redeemed, and once deactivated is refused.
 */
import { startSystem, uniquePhone, type TestSystem } from './support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem(['members', 'loyalty', 'gateway']);
});

afterAll(async () => {
  await system?.stop();
});

// Of store S001, whose manager the tests act as (store scoping: docs/access-rules.md).
async function newMember(name: string): Promise<string> {
  const member = await system.api('POST', '/api/v1/members', {
    name,
    phone: uniquePhone('137'),
    channel: 'online',
    homeStoreId: 'S001',
  });
  expect(member.status).toBe(201);
  return member.body.id as string;
}

it('gives a bonus once per cause: a second click answers with the first entry', async () => {
  const id = await newMember('奖励');
  const bonus = (body: unknown, as = ['desk_agent']) =>
    system.api('POST', `/api/v1/members/${id}/points/bonuses`, body, as);

  const first = await bonus({ kind: 'survey', reference: 'SURVEY-2026-11' });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({
    entryId: `bonus:survey:${id}:SURVEY-2026-11`,
    kind: 'bonus',
    points: 50,
    reason: 'Survey answered (SURVEY-2026-11)',
    created: true,
  });
  const again = await bonus({ kind: 'survey', reference: 'SURVEY-2026-11' }, ['store_manager']);
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ ...first.body, created: false });
  expect((await bonus({ kind: 'profile' }, ['admin'])).body).toMatchObject({
    points: 200,
    created: true,
  });

  const view = (await system.api('GET', `/api/v1/members/${id}/points`)).body;
  expect(view.balance).toBe(250);
  expect(view.available).toBe(250);
  expect(view.entries.map((e: { entryId: string }) => e.entryId).sort()).toEqual([
    `bonus:profile:${id}`,
    `bonus:survey:${id}:SURVEY-2026-11`,
  ]);
});

it('refuses other roles, and names the fields of a bad body', async () => {
  const id = await newMember('奖励二');
  const body = { kind: 'suggestion', reference: 'IDEA-17' };
  for (const role of ['store_clerk', 'pharmacist', 'hq_analyst'])
    expect(
      (await system.api('POST', `/api/v1/members/${id}/points/bonuses`, body, [role])).status,
    ).toBe(403);
  expect(
    (await system.api('POST', `/api/v1/members/${id}/points/bonuses`, body, { token: null }))
      .status,
  ).toBe(401);

  const bad = await system.api('POST', `/api/v1/members/${id}/points/bonuses`, {
    kind: 'lottery',
    reference: { $ne: null },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'kind',
    'reference',
  ]);
  const noReference = await system.api('POST', `/api/v1/members/${id}/points/bonuses`, {
    kind: 'survey',
  });
  expect(noReference.status).toBe(400);
  expect(noReference.body.error.details).toEqual([expect.objectContaining({ field: 'reference' })]);
  const badMember = await system.api('POST', '/api/v1/members/not-an-id/points/bonuses', body);
  expect(badMember.status).toBe(400);
  expect((await system.api('GET', `/api/v1/members/${id}/points`)).body.balance).toBe(0);
});

it('redeems a reward an admin added, and refuses it once deactivated', async () => {
  const id = await newMember('目录');
  for (const body of [
    { kind: 'profile' },
    { kind: 'survey', reference: 'SURVEY-A' },
    { kind: 'suggestion', reference: 'IDEA-1' },
  ])
    expect(
      (await system.api('POST', `/api/v1/members/${id}/points/bonuses`, body)).body,
    ).toMatchObject({ created: true });

  const rewardId = `GIFT-E2E-${system.runId.toUpperCase()}`;
  const reward = { rewardId, kind: 'gift', name: 'Pill organiser', points: 300, active: true };
  expect(
    (await system.api('POST', '/api/v1/loyalty/rewards', reward, ['store_manager'])).status,
  ).toBe(403);
  const bad = await system.api(
    'POST',
    '/api/v1/loyalty/rewards',
    { rewardId: 'lower case', kind: 'gift', name: '', points: 0, active: 'yes', stock: -1 },
    ['admin'],
  );
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'active',
    'name',
    'points',
    'rewardId',
    'stock',
  ]);
  const created = await system.api('POST', '/api/v1/loyalty/rewards', reward, ['admin']);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject(reward);
  expect((await system.api('POST', '/api/v1/loyalty/rewards', reward, ['admin'])).status).toBe(409);
  const listed = await system.api('GET', '/api/v1/loyalty/rewards', undefined, ['store_clerk']);
  expect(listed.body.items.map((r: { rewardId: string }) => r.rewardId)).toEqual(
    expect.arrayContaining(['COUPON-5', rewardId]),
  );

  const redeem = (key: string) =>
    system.api('POST', `/api/v1/members/${id}/points/redemptions`, { rewardId }, ['store_clerk'], {
      'Idempotency-Key': `${system.runId}-${key}`,
    });
  const redeemed = await redeem('first');
  expect(redeemed.status).toBe(201);
  expect(redeemed.body).toMatchObject({ rewardId, points: 300, balanceAfter: 50 });

  const { rewardId: _, ...fields } = reward;
  expect(
    (
      await system.api('PUT', `/api/v1/loyalty/rewards/${rewardId}`, { ...fields, active: false }, [
        'desk_agent',
      ])
    ).status,
  ).toBe(403);
  const deactivated = await system.api(
    'PUT',
    `/api/v1/loyalty/rewards/${rewardId}`,
    { ...fields, points: 10, active: false },
    ['admin'],
  );
  expect(deactivated.status).toBe(200);
  expect(deactivated.body).toMatchObject({ rewardId, points: 10, active: false });
  const refused = await redeem('second');
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'REWARD.UNAVAILABLE' });
  // The first redemption's retry still gets its first answer.
  expect(await redeem('first')).toMatchObject({ status: 201, body: redeemed.body });
  expect(
    (await system.api('PUT', '/api/v1/loyalty/rewards/NO-SUCH-REWARD', fields, ['admin'])).status,
  ).toBe(404);
  expect((await system.api('GET', `/api/v1/members/${id}/points`)).body.balance).toBe(50);
});
