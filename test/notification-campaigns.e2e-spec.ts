/**
 * Campaigns end to end, on real NATS, Kafka, the MongoDB-wire server and the provider stub
 * process: 2,000 members imported into one store, 60 % of them with SMS marketing consent and
 * some of those with their yearly SMS cap already spent; a store manager's SMS campaign to the
 * store's segment, the notifications service SIGKILLed in the middle of it (a failpoint after
 * the 700th send, with sends and deliveries in flight) and restarted. Afterwards every
 * consenting member with a cap left has exactly one message of the campaign at the stub, the
 * others none and are skipped with their reasons, the totals add up, and `campaign.finished`
 * is on notifications.events.v1 once. Also: cancel stops a campaign; store managers of another
 * store are refused; the Idempotency-Key answers the same campaign.
 */
import { createHash } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CampaignView, type SendNotificationResult, Subjects, Topics } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { readTopic, staffToken } from '@crm/testing';
import { ProviderStub } from './support/provider-stub';
import { startSystem, until, type TestSystem } from './support/system';

/** The message id a cause names (notifications' `messageIdFor`): what the stub is keyed by. */
const messageIdFor = (cause: string) =>
  `msg_${createHash('sha256').update(cause).digest('hex').slice(0, 32)}`;

const STORE = 'S042';
const MEMBERS = 2000;
const KILL_AFTER_SENDS = 700;
const CAMPAIGN_TEXT = '会员日：{{store}} 全场95折，回复TD退订';
const CAP_SPENT = 10;

let system: TestSystem;
let stub: ProviderStub;
let nats: NatsConnection;
let admin: string;
let manager: string;
let otherManager: string;
let segmentId: string;
const startedAt = new Date();

const as = (token: string) => ({ token });
const phonePrefix = `17${String(Date.now() % 1000).padStart(3, '0')}`;
const phoneOf = (n: number) => `${phonePrefix}${String(n).padStart(6, '0')}`;
/** Members 0, 1, 2 of every 5 consent to SMS marketing. */
const consents = (n: number) => n % 5 < 3;

beforeAll(async () => {
  stub = await ProviderStub.reservePort();
  system = await startSystem(['members', 'notifications', 'gateway'], {
    env: {
      ...stub.notificationsEnv(),
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_ATTEMPT_LEASE_MS: '2000',
      DISPATCH_POLL_MS: '100',
      PROVIDER_TIMEOUT_MS: '1500',
      CAMPAIGN_LEASE_MS: '10000',
      CAMPAIGN_POLL_MS: '300',
      CAMPAIGN_PAGE_SIZE: '250',
      CAMPAIGN_SEND_BATCH: '100',
      DELIVERY_CONCURRENCY: '32',
    },
  });
  await stub.start(`${system.gatewayUrl}/api/v1/webhooks/notifications`);
  nats = await connect({ servers: process.env.NATS_URL! });
  admin = await staffToken(['admin'], { sub: 'E-HQ-01' });
  manager = await staffToken(['store_manager'], { storeId: STORE, sub: 'E-042-M' });
  otherManager = await staffToken(['store_manager'], { storeId: 'S001', sub: 'E-001-M' });

  // 2,000 members of one store, from an archive import (the fast way in).
  const rows = Array.from({ length: MEMBERS }, (_, n) =>
    [`CMP-${n}`, `会员${n}`, phoneOf(n), STORE, consents(n) ? '是' : '否'].join(','),
  );
  const imported = await system.api(
    'POST',
    '/api/v1/members/imports',
    {
      format: 'csv',
      sourceStoreId: STORE,
      content: `会员编号,姓名,手机,门店,短信营销\n${rows.join('\n')}\n`,
    },
    as(admin),
  );
  expect(imported.status).toBe(202);
  const job = await until(
    'the import',
    async () => {
      const status = await system.api(
        'GET',
        imported.headers.get('location')!,
        undefined,
        as(admin),
      );
      return ['completed', 'failed'].includes(status.body.status) ? status.body : null;
    },
    240_000,
    1000,
  );
  expect(job).toMatchObject({ status: 'completed', created: MEMBERS });

  const saved = await system.api(
    'POST',
    '/api/v1/segments',
    { name: `Store ${STORE}`, criteria: { storeIds: [STORE] } },
    as(manager),
  );
  expect(saved.status).toBe(201);
  segmentId = saved.body.id;
  // The segment index follows members.events.v1: wait until it has every imported member.
  await until(
    'the segment to hold every member',
    async () => {
      const preview = await system.api(
        'POST',
        '/api/v1/segments/preview',
        { criteria: { storeIds: [STORE] } },
        as(admin),
      );
      return preview.body.count === MEMBERS;
    },
    120_000,
    500,
  );
}, 600_000);

afterAll(async () => {
  await nats?.drain();
  await stub?.stop();
  await system?.stop();
});

async function segmentMembers(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  do {
    const query: string = `limit=1000${after ? `&after=${after}` : ''}`;
    const page = await system.api(
      'GET',
      `/api/v1/segments/${segmentId}/members?${query}`,
      undefined,
      as(admin),
    );
    expect(page.status).toBe(200);
    ids.push(...(page.body.memberIds as string[]));
    after = page.body.next;
  } while (after);
  return ids;
}

function createCampaign(
  body: Record<string, unknown>,
  token: string,
  key = `key-${Math.random().toString(36).slice(2)}`,
) {
  return system.api('POST', '/api/v1/campaigns', body, as(token), { 'idempotency-key': key });
}

async function campaignUntil(
  id: string,
  statuses: string[],
  timeoutMs = 480_000,
): Promise<CampaignView> {
  return until(
    `campaign ${id} ${statuses.join('|')}`,
    async () => {
      const got = await system.api('GET', `/api/v1/campaigns/${id}`, undefined, as(admin));
      if (got.status === 503 || got.status === 504) return null; // restarting, or busy: ask again
      expect(got.status).toBe(200);
      return statuses.includes(got.body.status) ? (got.body as CampaignView) : null;
    },
    timeoutMs,
    1000,
  );
}

function sumOf(view: CampaignView): number {
  const skipped = Object.values(view.skipped).reduce((a, b) => a + b, 0);
  return view.sent + view.queued + view.deferred + skipped + view.failed + (view.remaining ?? 0);
}

it('sends a campaign to 2,000 members across a SIGKILL: each consenting member once, the others skipped with reasons', async () => {
  const members = await segmentMembers();
  expect(members).toHaveLength(MEMBERS);
  // Each member's archive row (its legacy id): which member consented is known from the import.
  const rowById = new Map<string, string>();
  const mongo = system.mongo.db(system.dbOf('members'));
  const docs = await mongo
    .collection('members')
    .find({ homeStoreId: STORE }, { projection: { _id: 1, legacyIds: 1 } })
    .toArray();
  for (const doc of docs) {
    const legacy = JSON.stringify(doc.legacyIds ?? '');
    const n = Number(/CMP-(\d+)/.exec(legacy)?.[1]);
    rowById.set(String(doc._id), String(n));
  }
  const consenting = members.filter((id) => consents(Number(rowById.get(id))));
  expect(consenting.length).toBe(1200);

  // Some consenting members spent their four marketing SMS of the year already.
  const rpc = new NatsRpcClient(nats, 10_000);
  const capSpent = consenting.slice(0, CAP_SPENT);
  for (const memberId of capSpent)
    for (let i = 0; i < 4; i++) {
      const sent = await rpc.request<SendNotificationResult>(Subjects.notifications.send, {
        cause: `earlier-promo:${memberId}:${i}`,
        memberId,
        purpose: 'marketing',
        channel: 'sms',
        content: 'earlier promotion',
      });
      expect(sent.status).not.toBe('skipped');
    }

  // Notifications now runs with a failpoint: SIGKILL right after the 700th campaign send. Its
  // member-events group starts anew from here: the import's 2,000 welcome notes are not this
  // test's subject, and would only slow the store down.
  const notifications = system.processes.get('notifications')!;
  const fromHere = {
    CONSUMER_GROUP_SUFFIX: `.test-${system.runId}-campaigns`,
    CONSUMER_NEW_GROUP_START: new Date().toISOString(),
  };
  await notifications.stop();
  await notifications.start({
    env: { ...fromHere, FAILPOINTS: `notifications.campaign.sent@${KILL_AFTER_SENDS}` },
  });

  const created = await createCampaign(
    {
      name: 'Member day, S042',
      segmentId,
      channel: 'sms',
      purpose: 'marketing',
      content: { 'zh-CN': CAMPAIGN_TEXT },
      variables: { store: '西湖店' },
    },
    manager,
  );
  expect(created.status).toBe(202);
  const id = created.body.id as string;
  expect(created.headers.get('location')).toBe(`/api/v1/campaigns/${id}`);
  expect(created.body).toMatchObject({ status: 'scheduled', channel: 'sms', purpose: 'marketing' });

  const exit = await within(notifications.exited(), 120_000);
  expect(exit.signal).toBe('SIGKILL');
  const store = system.mongo.db(system.dbOf('notifications'));
  const atKill = await store.collection('messages').countDocuments({ campaignId: id });
  const pendingAtKill = await store
    .collection('messages')
    .countDocuments({ campaignId: id, status: 'pending' });
  const stubAtKill = (await stub.received()).filter((m) => m.body.startsWith('会员日')).length;
  expect(atKill).toBeGreaterThanOrEqual(KILL_AFTER_SENDS);
  expect(atKill).toBeLessThan(MEMBERS);

  await notifications.start({ env: fromHere });
  const done = await campaignUntil(id, ['done']);

  // At the stub: every consenting member with a cap left exactly once, nobody else.
  const expected = new Set(
    consenting.slice(CAP_SPENT).map((m) => messageIdFor(`campaign:${id}:${m}`)),
  );
  const received = (await stub.received()).filter((m) => m.body.startsWith('会员日'));
  const keys = received.map((m) => m.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(received).toHaveLength(expected.size);
  expect(keys.every((k) => expected.has(k))).toBe(true);
  expect(new Set(received.map((m) => m.to)).size).toBe(expected.size);
  expect(received[0]!.body).toBe('会员日：西湖店 全场95折，回复TD退订');

  expect(done).toMatchObject({
    status: 'done',
    total: MEMBERS,
    sent: expected.size,
    queued: 0,
    deferred: 0,
    failed: 0,
    remaining: 0,
    skipped: { 'no-marketing-consent': MEMBERS - 1200, 'cap-reached': CAP_SPENT },
  });
  expect(sumOf(done)).toBe(MEMBERS);
  expect(done.finishedAt).not.toBeNull();

  // campaign.finished, once, with the same totals.
  const events = await readTopic(Topics.notificationsEvents, () => false, 8000, startedAt);
  const finished = events
    .map(
      (e) => JSON.parse(e.value!) as { id: string; type: string; payload: Record<string, unknown> },
    )
    .filter((e) => e.type === 'campaign.finished' && e.payload.campaignId === id);
  expect(new Set(finished.map((e) => e.id)).size).toBe(1);
  expect(finished[0]!.payload).toMatchObject({
    outcome: 'done',
    total: MEMBERS,
    failed: 0,
    notSent: 0,
    skipped: { 'no-marketing-consent': MEMBERS - 1200, 'cap-reached': CAP_SPENT },
  });
  // Resends after the crash went to the provider under the same key and were absorbed there.
  const repeats = received.reduce((sum, m) => sum + m.repeats, 0);
  console.log(
    `[campaign-fault] ${JSON.stringify({ members: MEMBERS, consenting: consenting.length, capSpent: CAP_SPENT, messagesAtKill: atKill, pendingAtKill, atStubAtKill: stubAtKill, atStub: received.length, providerRepeats: repeats, sent: done.sent, skipped: done.skipped, finishedEvents: finished.length })}`,
  );
}, 780_000);

it('stops a cancelled campaign: no new sends, the rest not sent, finished once as cancelled', async () => {
  const created = await createCampaign(
    {
      name: 'Slow promotion',
      segmentId,
      channel: 'sms',
      purpose: 'marketing',
      content: { 'zh-CN': '慢速活动 回复TD退订' },
      perSecond: 40,
    },
    admin,
  );
  expect(created.status).toBe(202);
  const id = created.body.id as string;
  await campaignUntil(id, ['running'], 30_000);
  await until('some sends', async () => {
    const view = (await system.api('GET', `/api/v1/campaigns/${id}`, undefined, as(admin)))
      .body as CampaignView;
    return view.total !== null && (view.remaining ?? MEMBERS) < MEMBERS - 40;
  });
  const cancelled = await system.api(
    'POST',
    `/api/v1/campaigns/${id}/cancel`,
    undefined,
    as(admin),
  );
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.status).toBe('cancelled');
  const view = await campaignUntil(id, ['cancelled'], 30_000);
  await until('the campaign to finish', async () => {
    const got = (await system.api('GET', `/api/v1/campaigns/${id}`, undefined, as(admin)))
      .body as CampaignView;
    return got.finishedAt !== null ? got : null;
  });
  const atStub = async () =>
    (await stub.received()).filter((m) => m.body.startsWith('慢速活动')).length;
  const afterCancel = await atStub();
  await sleep(3000);
  expect(await atStub()).toBe(afterCancel);
  const final = (await system.api('GET', `/api/v1/campaigns/${id}`, undefined, as(admin)))
    .body as CampaignView;
  expect(final.status).toBe('cancelled');
  expect(final.remaining).toBeGreaterThan(MEMBERS / 2);
  expect(final.queued).toBe(0);
  expect(sumOf(final)).toBe(MEMBERS);
  expect(view.cancelledAt).not.toBeNull();
  // Cancelling again answers the campaign; the done one of the first test cannot be cancelled.
  expect(
    (await system.api('POST', `/api/v1/campaigns/${id}/cancel`, undefined, as(admin))).status,
  ).toBe(200);
  const events = await readTopic(Topics.notificationsEvents, () => false, 6000, startedAt);
  const finished = events
    .map((e) => JSON.parse(e.value!) as { type: string; payload: Record<string, unknown> })
    .filter((e) => e.type === 'campaign.finished' && e.payload.campaignId === id);
  expect(finished).toHaveLength(1);
  expect(finished[0]!.payload.outcome).toBe('cancelled');
  console.log(
    `[campaign-cancel] ${JSON.stringify({ atStub: afterCancel, sent: final.sent, remaining: final.remaining, skipped: final.skipped })}`,
  );
}, 180_000);

it('refuses store managers of another store, and non-marketing campaigns of store managers', async () => {
  const body = {
    name: 'Not mine',
    segmentId,
    channel: 'sms',
    purpose: 'marketing',
    content: { 'zh-CN': '别家门店' },
  };
  const other = await createCampaign(body, otherManager);
  expect(other.status).toBe(403);
  expect(other.body.error.code).toBe('ACCESS.OTHER_STORE');
  const service = await createCampaign({ ...body, purpose: 'service' }, manager);
  expect(service.status).toBe(403);
  expect(service.body.error.code).toBe('CAMPAIGN.PURPOSE_FORBIDDEN');
  const clerk = await createCampaign(body, await staffToken(['store_clerk'], { storeId: STORE }));
  expect(clerk.status).toBe(403);

  // A campaign of S042's manager is not S001's manager's to see or cancel.
  const mine = await createCampaign(
    { ...body, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
    manager,
    'scheduled-0001',
  );
  expect(mine.status).toBe(202);
  expect(mine.body.status).toBe('scheduled');
  const peek = await system.api(
    'GET',
    `/api/v1/campaigns/${mine.body.id}`,
    undefined,
    as(otherManager),
  );
  expect(peek.status).toBe(403);
  expect(peek.body.error.code).toBe('ACCESS.OTHER_STORE');
  expect(
    (
      await system.api(
        'POST',
        `/api/v1/campaigns/${mine.body.id}/cancel`,
        undefined,
        as(otherManager),
      )
    ).status,
  ).toBe(403);

  // The same key and request: the same campaign; the same key, another request: 409.
  const again = await createCampaign(
    { ...body, scheduledAt: mine.body.scheduledAt },
    manager,
    'scheduled-0001',
  );
  expect(again.status).toBe(202);
  expect(again.body.id).toBe(mine.body.id);
  const reused = await createCampaign({ ...body, name: 'Another' }, manager, 'scheduled-0001');
  expect(reused.status).toBe(409);
  expect(reused.body.error.code).toBe('CAMPAIGN.KEY_REUSED');
  // Without a key, an unknown segment, an undeclared variable: refused.
  expect((await system.api('POST', '/api/v1/campaigns', body, as(manager))).status).toBe(400);
  const unknown = await createCampaign({ ...body, segmentId: '0123456789abcdef01234567' }, admin);
  expect(unknown.status).toBe(404);
  const missing = await createCampaign({ ...body, content: { 'zh-CN': '你好 {{name}}' } }, admin);
  expect(missing.status).toBe(400);
  expect(missing.body.error.details[0].field).toBe('content.zh-CN');

  // A scheduled campaign cancelled before its time finishes at once, having sent nothing.
  const cancelled = await system.api(
    'POST',
    `/api/v1/campaigns/${mine.body.id}/cancel`,
    undefined,
    as(manager),
  );
  expect(cancelled.status).toBe(200);
  const closed = await until('the scheduled campaign to close', async () => {
    const got = (
      await system.api('GET', `/api/v1/campaigns/${mine.body.id}`, undefined, as(manager))
    ).body as CampaignView;
    return got.finishedAt ? got : null;
  });
  expect(closed).toMatchObject({ status: 'cancelled', sent: 0, total: null, startedAt: null });
}, 120_000);

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`not within ${ms} ms`);
    }),
  ]);
}
