/**
 * Notifications, the member's side, end to end with the provider stub as a real process:
 * templates as data (an undeclared variable refused, a templated send in the member's
 * language, a missing value skipped with its reason); contact preferences (a channel the
 * member does not allow skips even a clinical message); a message deferred across the member's
 * own quiet hours and sent after; one contact budget (marketing refused, clinical still goes);
 * the app and call channels; a provider down until dead-letter, with the cap slot given back;
 * triggers from loyalty's events (points about to expire, a birthday coupon); festival
 * greetings on their lunar date, run once by one of two replicas (the check's clock moved to
 * the festival); erasure, merge and the member export; the canary.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  COUPON_ISSUED,
  type CouponIssuedPayload,
  type NotificationView,
  POINTS_EXPIRING,
  type PointsExpiringPayload,
  type SendNotificationCommand,
  type SendNotificationResult,
  Subjects,
  Topics,
} from '@crm/contracts';
import { NatsRpcClient, newEnvelope } from '@crm/messaging';
import { readTopic, testKafka } from '@crm/testing';
import { ProviderStub } from './support/provider-stub';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let stub: ProviderStub;
let nats: NatsConnection;
const suiteStarted = new Date();

beforeAll(async () => {
  stub = await ProviderStub.reservePort();
  system = await startSystem(['members', 'notifications', 'gateway'], {
    env: {
      ...stub.notificationsEnv(),
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_ATTEMPT_LEASE_MS: '2000',
      DISPATCH_POLL_MS: '100',
      PROVIDER_TIMEOUT_MS: '1500',
      // A small budget, so a few messages use it: 4 a week, 1 kept for clinical and service.
      CONTACT_BUDGET_SIZE: '4',
      CONTACT_BUDGET_CLINICAL_RESERVE: '1',
    },
  });
  await stub.start(`${system.gatewayUrl}/api/v1/webhooks/notifications`);
  nats = await connect({ servers: process.env.NATS_URL! });
});

afterAll(async () => {
  await nats?.drain();
  await stub?.stop();
  await system?.stop();
});

const send = (command: SendNotificationCommand) =>
  new NatsRpcClient(nats, 10_000).request<SendNotificationResult>(
    Subjects.notifications.send,
    command,
  );

const db = () => system.mongo.db(system.dbOf('notifications'));

async function notificationsOf(memberId: string): Promise<NotificationView[]> {
  const answer = await system.api('GET', `/api/v1/members/${memberId}/notifications`);
  expect(answer.status).toBe(200);
  return answer.body.items as NotificationView[];
}

async function messageInState(
  memberId: string,
  messageId: string,
  statuses: string[],
  timeoutMs = 30_000,
) {
  return until(
    `${messageId} in ${statuses.join('|')}`,
    async () => {
      const found = (await notificationsOf(memberId)).find((m) => m.messageId === messageId);
      return found && statuses.includes(found.status) ? found : null;
    },
    timeoutMs,
  );
}

async function member(consents: Record<string, boolean> = {}) {
  const created = await system.registerMember({
    name: '偏好',
    phone: uniquePhone('136'),
    channel: 'store',
    homeStoreId: 'S001',
    ...(Object.keys(consents).length > 0 ? { consents: { marketing: consents } } : {}),
  });
  // The welcome note first, so what a test sends later is counted on its own.
  await until('the welcome note delivered', async () =>
    (await notificationsOf(created.id)).find(
      (m) => m.cause === `welcome:${created.id}` && m.status === 'delivered',
    ),
  );
  return created;
}

const putPreferences = (memberId: string, body: unknown) =>
  system.api('PUT', `/api/v1/members/${memberId}/contact-preferences`, body);

async function publish(topic: string, type: string, key: string, payload: object) {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    const envelope = newEnvelope({ type, source: 'loyalty', key, payload });
    await producer.send({ topic, messages: [{ key, value: JSON.stringify(envelope) }] });
  } finally {
    await producer.disconnect();
  }
}

describe('templates as data', () => {
  const key = () => `refill-ready-${system.runId}`;
  const template = (en: string) => ({
    key: key(),
    channel: 'sms',
    purpose: 'service',
    bodies: { 'zh-CN': '{{drug}}已备好，请到{{store}}取药。', en },
    variables: ['drug', 'store'],
  });

  it('refuses a body with an undeclared variable (400, naming the body), and versions the rest', async () => {
    const refused = await system.api(
      'POST',
      '/api/v1/notification-templates',
      template('{{drug}} is ready for {{name}}'),
      ['admin'],
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      { field: 'bodies.en', reasons: ['uses undeclared variables: name'] },
    ]);
    const asDesk = await system.api(
      'POST',
      '/api/v1/notification-templates',
      template('{{drug}} is ready'),
    );
    expect(asDesk.status).toBe(403);

    const v1 = await system.api(
      'POST',
      '/api/v1/notification-templates',
      template('Your {{drug}} is ready at {{store}}.'),
      ['admin'],
    );
    const v2 = await system.api(
      'POST',
      '/api/v1/notification-templates',
      template('{{drug}} is ready for you at {{store}}.'),
      ['admin'],
    );
    expect([v1.status, v1.body.templateId, v2.status, v2.body.templateId]).toEqual([
      201,
      `${key()}:v1`,
      201,
      `${key()}:v2`,
    ]);
    const listed = await system.api(
      'GET',
      '/api/v1/notification-templates?channel=sms',
      undefined,
      ['store_clerk'],
    );
    expect(listed.status).toBe(200);
    const mine = (listed.body.items as { key: string; version: number }[]).filter(
      (t) => t.key === key(),
    );
    expect(mine).toEqual([expect.objectContaining({ version: 2 })]);
  });

  it("renders a templated send in the member's language, and skips one missing a value", async () => {
    const { id } = await member();
    const prefs = await putPreferences(id, { channels: ['sms'], language: 'en' });
    expect(prefs.status).toBe(200);
    const sent = await send({
      cause: `refill:${id}:1`,
      memberId: id,
      purpose: 'service',
      templateId: `${key()}:v1`,
      variables: { drug: 'Alendronate', store: 'S001' },
    });
    expect(sent.status).toBe('queued');
    await messageInState(id, sent.messageId, ['delivered']);
    const received = await stub.received({ idempotencyKey: sent.messageId });
    expect(received.map((m) => m.body)).toEqual(['Your Alendronate is ready at S001.']);

    // The newest version, in Chinese for a member who stated nothing.
    const other = await member();
    const zh = await send({
      cause: `refill:${other.id}:1`,
      memberId: other.id,
      purpose: 'service',
      templateId: key(),
      variables: { drug: '阿仑膦酸钠', store: '一号店' },
    });
    await messageInState(other.id, zh.messageId, ['delivered']);
    expect((await stub.received({ idempotencyKey: zh.messageId })).map((m) => m.body)).toEqual([
      '阿仑膦酸钠已备好，请到一号店取药。',
    ]);

    const missing = await send({
      cause: `refill:${id}:2`,
      memberId: id,
      purpose: 'service',
      templateId: key(),
      variables: { drug: 'Alendronate' },
    });
    expect(missing).toMatchObject({ status: 'skipped', reason: 'missing variables: store' });
    expect(await stub.received({ idempotencyKey: missing.messageId })).toHaveLength(0);
  });
});

describe('contact preferences', () => {
  it('validates with field reasons, and shows the chain defaults until stated', async () => {
    const { id } = await member();
    const defaults = await system.api('GET', `/api/v1/members/${id}/contact-preferences`);
    expect(defaults.body).toMatchObject({
      memberId: id,
      stated: false,
      language: 'zh-CN',
      timeZone: 'UTC+8',
    });
    const bad = await putPreferences(id, {
      channels: ['sms'],
      preferredChannel: 'email',
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'preferredChannel',
      'timeZone',
    ]);
    const shape = await putPreferences(id, {
      channels: ['fax'],
      quietHours: { start: '25:00', end: '08:00' },
    });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'channels',
      'quietHours.start',
    ]);
    const unknown = await putPreferences('0123456789abcdef01234567', { channels: ['sms'] });
    expect(unknown.status).toBe(404);
  });

  it('skips a message on a channel the member does not allow, clinical too, and uses the preferred one', async () => {
    const { id } = await member();
    const put = await putPreferences(id, {
      channels: ['email', 'app'],
      preferredChannel: 'app',
      timeZone: 'Asia/Shanghai',
    });
    expect(put.body).toMatchObject({ stated: true, preferredChannel: 'app' });
    const onSms = await send({
      cause: `clinical-sms:${id}`,
      memberId: id,
      purpose: 'clinical',
      channel: 'sms',
      content: '请按时服药',
    });
    expect(onSms).toMatchObject({ status: 'skipped', reason: 'channel-not-allowed: sms' });
    const listed = (await notificationsOf(id)).find((m) => m.messageId === onSms.messageId);
    expect(listed).toMatchObject({ status: 'skipped', reason: 'channel-not-allowed: sms' });

    // No channel named: the preferred one, the app, reached by member id.
    const any = await send({
      cause: `clinical-any:${id}`,
      memberId: id,
      purpose: 'clinical',
      content: '请按时服药',
    });
    const delivered = await messageInState(id, any.messageId, ['delivered']);
    expect(delivered.channel).toBe('app');
    const atStub = await stub.received({ idempotencyKey: any.messageId });
    expect(atStub.map((m) => [m.channel, m.to])).toEqual([['app', id]]);
  });

  it("defers a message due in the member's own quiet hours, and sends it when they end", async () => {
    const { id } = await member();
    // A window from this minute to the next one, in UTC: now is inside it, and it ends soon.
    while (new Date().getUTCSeconds() > 40) await sleep(1000);
    const now = new Date();
    const hhmm = (d: Date) =>
      `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const end = new Date(now.getTime() + 60_000);
    const put = await putPreferences(id, {
      channels: ['sms'],
      quietHours: { start: hhmm(now), end: hhmm(end) },
      timeZone: 'UTC',
    });
    expect(put.status).toBe(200);
    const sent = await send({
      cause: `quiet:${id}`,
      memberId: id,
      purpose: 'service',
      content: '您的处方已备好',
    });
    expect(sent).toMatchObject({ status: 'deferred', reason: 'quiet-hours' });
    const windowEnd = new Date(Math.floor(end.getTime() / 60_000) * 60_000);
    const deferred = (await notificationsOf(id)).find((m) => m.messageId === sent.messageId)!;
    expect(deferred).toMatchObject({ status: 'deferred', dueAt: windowEnd.toISOString() });
    expect(await stub.received({ idempotencyKey: sent.messageId })).toHaveLength(0);

    const done = await messageInState(id, sent.messageId, ['delivered'], 120_000);
    const atStub = await stub.received({ idempotencyKey: sent.messageId });
    expect(atStub).toHaveLength(1);
    expect(done.history[0]).toMatchObject({ status: 'deferred', reason: 'quiet-hours' });
    const sentAt = done.history.find((h) => h.status === 'sent')!.at;
    expect(new Date(sentAt).getTime()).toBeGreaterThanOrEqual(windowEnd.getTime());
  });
});

describe('one contact budget across purposes', () => {
  it('refuses marketing once the budget is used, and still sends clinical messages', async () => {
    const { id } = await member({ sms: true });
    // The welcome note took 1 of 4; marketing may not take the last one.
    const results: SendNotificationResult[] = [];
    for (const [n, purpose] of [
      [1, 'marketing'],
      [2, 'marketing'],
      [3, 'marketing'],
      [4, 'clinical'],
      [5, 'clinical'],
    ] as const)
      results.push(
        await send({
          cause: `budget:${id}:${n}`,
          memberId: id,
          purpose,
          channel: 'sms',
          content: `第${n}条`,
        }),
      );
    expect(results.map((r) => r.status)).toEqual([
      'queued',
      'queued',
      'skipped',
      'queued',
      'queued',
    ]);
    expect(results[2]!.reason).toMatch(/^contact-budget-used: 4 contacts per 7 days/);
    // The refused message holds no marketing cap slot either.
    const capSlots = await db()
      .collection('cap_slots')
      .countDocuments({ memberId: id, channel: 'sms' });
    expect(capSlots).toBe(2);
    const budgetSlots = await db()
      .collection('cap_slots')
      .countDocuments({ memberId: id, channel: 'budget' });
    expect(budgetSlots).toBe(4);
  });
});

describe('channels', () => {
  it('lists a call as a task for the home store, never at a provider', async () => {
    const { id, phone } = await member();
    const call = await send({
      cause: `call:${id}`,
      memberId: id,
      purpose: 'clinical',
      channel: 'call',
      content: '请提醒会员复查血压',
    });
    expect(call.status).toBe('sent');
    const tasks = await system.api('GET', '/api/v1/call-tasks?store=S001');
    expect(tasks.status).toBe(200);
    const mine = (tasks.body.items as { memberId: string; script: string }[]).filter(
      (t) => t.memberId === id,
    );
    expect(mine).toEqual([
      expect.objectContaining({ script: '请提醒会员复查血压', storeId: 'S001' }),
    ]);
    expect(JSON.stringify(mine)).not.toContain(phone); // no phone number in the task
    const listed = (await notificationsOf(id)).find((m) => m.messageId === call.messageId);
    expect(listed).toMatchObject({ channel: 'call', status: 'sent', provider: 'call-task' });
    expect(await stub.received({ idempotencyKey: call.messageId })).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('dead-letters a message when both providers are down, visibly, and gives its cap slot back', async () => {
    const { id } = await member({ sms: true });
    await stub.faults('stub', { mode: 'error', status: 500 });
    await stub.faults('stubalt', { mode: 'error', status: 503 });
    try {
      const sent = await send({
        cause: `down:${id}`,
        memberId: id,
        purpose: 'marketing',
        channel: 'sms',
        content: '会员日优惠',
      });
      expect(sent.status).toBe('queued');
      const failed = await messageInState(id, sent.messageId, ['failed'], 60_000);
      expect(failed.reason).toMatch(/^dead-lettered after 5 attempts/);
      expect(failed.attempts).toBe(5);
      expect(new Set(failed.history.map((h) => h.provider).filter(Boolean))).toEqual(
        new Set(['stub', 'stubalt']),
      );
      await until('the cap slot given back', async () =>
        (await db().collection('cap_slots').countDocuments({ messageId: sent.messageId })) === 0
          ? true
          : null,
      );
    } finally {
      await stub.faults('stub', { mode: 'none' });
      await stub.faults('stubalt', { mode: 'none' });
    }
  });
});

describe('triggers', () => {
  it('reminds a member of expiring points once, however often loyalty says so', async () => {
    const { id } = await member();
    const payload: PointsExpiringPayload = {
      memberId: id,
      points: 320,
      expiresAt: '2026-12-31T16:00:00.000Z',
    };
    await publish(Topics.loyaltyEvents, POINTS_EXPIRING, id, payload);
    await publish(Topics.loyaltyEvents, POINTS_EXPIRING, id, payload); // redelivered fact
    const reminder = await until('the reminder', async () =>
      (await notificationsOf(id)).find(
        (m) => m.cause === `points-expiring:${id}:2026-12-31` && m.status === 'delivered',
      ),
    );
    expect(reminder).toMatchObject({ purpose: 'service', channel: 'sms' });
    const atStub = await stub.received({ idempotencyKey: reminder.messageId });
    expect(atStub.map((m) => m.body)).toEqual([
      '您有320积分将于2026-12-31到期，欢迎到店使用。回复TD退订营销信息。',
    ]);
    expect(
      (await notificationsOf(id)).filter((m) => m.cause.startsWith('points-expiring:')),
    ).toHaveLength(1);
  });

  it('greets a member when their birthday coupon is issued, and not for other coupons', async () => {
    const { id } = await member();
    const coupon = (cause: string, code: string): CouponIssuedPayload => ({
      code,
      memberId: id,
      definitionId: 'birthday-2026',
      purpose: 'birthday',
      cause,
      amountOffCents: 1000,
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2026-12-31T15:59:59.000Z',
      issuedAt: new Date().toISOString(),
    });
    await publish(Topics.loyaltyEvents, COUPON_ISSUED, id, coupon(`segment:x:${id}`, 'C-OTHER'));
    await publish(Topics.loyaltyEvents, COUPON_ISSUED, id, coupon(`birthday:${id}:2026`, 'C-BDAY'));
    const greeting = await until('the birthday greeting', async () =>
      (await notificationsOf(id)).find(
        (m) => m.cause === `birthday-greeting:${id}:2026` && m.status === 'delivered',
      ),
    );
    expect((await stub.received({ idempotencyKey: greeting.messageId }))[0]!.body).toContain(
      '2026-12-31',
    );
    expect((await notificationsOf(id)).map((m) => m.cause).sort()).toEqual(
      [`birthday-greeting:${id}:2026`, `welcome:${id}`].sort(),
    );
  });
});

describe('privacy', () => {
  it('exports the messages, moves them on a merge, and erases their content', async () => {
    const survivor = await member();
    const duplicate = await member({ sms: true });
    await putPreferences(duplicate.id, { channels: ['sms'], language: 'en' });
    const promo = await send({
      cause: `promo:${duplicate.id}`,
      memberId: duplicate.id,
      purpose: 'marketing',
      channel: 'sms',
      content: 'Member day',
    });
    await messageInState(duplicate.id, promo.messageId, ['delivered']);
    const secret = `canary-note-${system.runId}`;
    const note = await send({
      cause: `note:${duplicate.id}`,
      memberId: duplicate.id,
      purpose: 'service',
      channel: 'sms',
      content: `{{text}}`,
      variables: { text: secret },
    });
    await messageInState(duplicate.id, note.messageId, ['delivered']);

    const exported = await system.api('GET', `/api/v1/members/${duplicate.id}/export`);
    expect(exported.status).toBe(200);
    const part = exported.body.services.notifications;
    expect(part.status).toBe('ok');
    expect(part.data.preferences).toMatchObject({ stated: true, language: 'en' });
    expect(part.data.messages.map((m: { cause: string }) => m.cause).sort()).toEqual(
      [`note:${duplicate.id}`, `promo:${duplicate.id}`, `welcome:${duplicate.id}`].sort(),
    );
    expect(JSON.stringify(part.data)).toContain(secret);

    const merged = await system.api(
      'POST',
      `/api/v1/members/${survivor.id}/merge`,
      { duplicateId: duplicate.id },
      ['admin'],
    );
    expect(merged.status).toBe(200);
    await until('the history moved to the survivor', async () =>
      (await notificationsOf(survivor.id)).some((m) => m.messageId === note.messageId),
    );
    expect((await notificationsOf(survivor.id)).map((m) => m.cause).sort()).toEqual(
      [
        `note:${duplicate.id}`,
        `promo:${duplicate.id}`,
        `welcome:${duplicate.id}`,
        `welcome:${survivor.id}`,
      ].sort(),
    );
    // The duplicate's marketing SMS this year counts against the survivor's cap from now on.
    const slots = db().collection('cap_slots');
    await until('the cap slot moved', async () =>
      (await slots.countDocuments({ memberId: duplicate.id })) === 0 ? true : null,
    );
    expect(
      (await slots.find({ memberId: survivor.id, channel: 'sms' }).toArray()).map(
        (s) => s.messageId,
      ),
    ).toEqual([promo.messageId]);
    expect(await notificationsOf(duplicate.id)).toEqual([]);
    const prefs = await system.api('GET', `/api/v1/members/${survivor.id}/contact-preferences`);
    expect(prefs.body).toMatchObject({ stated: true, language: 'en' });

    const erased = await system.api('DELETE', `/api/v1/members/${survivor.id}`, undefined, [
      'admin',
    ]);
    expect(erased.status).toBe(200);
    await until('the content erased', async () =>
      (await db()
        .collection('messages')
        .countDocuments({ memberId: survivor.id, erasedAt: { $exists: true } })) === 4
        ? true
        : null,
    );
    const stored = await db().collection('messages').find({ memberId: survivor.id }).toArray();
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.map((m) => m.content)).toEqual([null, null, null, null]);
    // Ids and states stay for the counts.
    expect(await notificationsOf(survivor.id)).toHaveLength(4);
    expect(
      await db()
        .collection('contact_preferences')
        .countDocuments({ _id: survivor.id as never }),
    ).toBe(0);
  });
});

describe('festival greetings', () => {
  it('greets the festival segment on Mid-Autumn once per member, with two replicas checking', async () => {
    // A store of its own: the segment holds exactly these three members.
    const store = `FS${system.runId.slice(0, 6).toUpperCase()}`;
    const register = (app: boolean) =>
      system.registerMember({
        name: '节日',
        phone: uniquePhone('139'),
        channel: 'store',
        homeStoreId: store,
        consents: { marketing: { app } },
      });
    const greeted = [await register(true), await register(true)];
    const declined = await register(false);
    const saved = await system.api(
      'POST',
      '/api/v1/segments',
      { name: `Festival ${store}`, criteria: { storeIds: [store] } },
      ['admin'],
    );
    expect(saved.status).toBe(201);
    await until(
      'the segment to hold the three members',
      async () =>
        (
          await system.api(
            'POST',
            '/api/v1/segments/preview',
            { criteria: { storeIds: [store] } },
            ['admin'],
          )
        ).body.count === 3,
      60_000,
      500,
    );

    // Mid-Autumn 2027 (15 September), noon in the chain's zone, for the festival check only.
    const clockFile = join(mkdtempSync(join(tmpdir(), 'notifications-clock-')), 'clock.json');
    const festivalNoon = Date.parse('2027-09-15T04:00:00Z');
    writeFileSync(clockFile, JSON.stringify({ offsetMs: festivalNoon - Date.now() }));
    const festivalEnv = {
      FESTIVAL_GREETING_SEGMENT_ID: saved.body.id as string,
      FESTIVAL_CHECK_EVERY_MS: '1000',
      NOTIFICATIONS_TEST_CLOCK_FILE: clockFile,
    };
    const notifications = system.processes.get('notifications')!;
    const other = await notifications.sibling();
    await notifications.stop();
    await Promise.all([
      notifications.start({ env: festivalEnv }),
      other.start({ env: festivalEnv }),
    ]);
    try {
      const cause = (memberId: string) => `festival:mid-autumn:2027:${memberId}`;
      for (const { id } of greeted) {
        const greeting = await until(`${id} greeted`, async () =>
          (await notificationsOf(id)).find(
            (m) => m.cause === cause(id) && m.status === 'delivered',
          ),
        );
        expect(greeting).toMatchObject({ channel: 'app', purpose: 'marketing' });
      }
      const skipped = await until('the declining member skipped', async () =>
        (await notificationsOf(declined.id)).find((m) => m.cause === cause(declined.id)),
      );
      expect(skipped).toMatchObject({ status: 'skipped', reason: 'no-marketing-consent' });

      // Both replicas keep checking: the run is done, so nobody is greeted again.
      await sleep(3000);
      const runs = await db().collection('festival_runs').find().toArray();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ _id: 'festival:mid-autumn:2027', greeted: 3 });
      for (const { id } of greeted) {
        const atStub = (await stub.received()).filter((m) => m.to === id && m.channel === 'app');
        const festival = atStub.filter((m) => m.body.startsWith('中秋节快乐'));
        expect(festival).toHaveLength(1);
      }
    } finally {
      await other.stop();
      await notifications.stop();
      await notifications.start();
    }
  });
});

describe('canary', () => {
  it('keeps a canary phone, e-mail and WeChat openid out of the notifications store, its events and every log', async () => {
    const phone = uniquePhone('137');
    const email = `canary-${system.runId}@example.com`;
    const openId = `oCanary_${system.runId}_${'x'.repeat(12)}`;
    const { id } = await system.registerMember({
      name: 'Canary',
      phone,
      email,
      wechatOpenId: openId,
      channel: 'store',
      homeStoreId: 'S001',
    });
    await until('the welcome note delivered', async () =>
      (await notificationsOf(id)).find(
        (m) => m.cause === `welcome:${id}` && m.status === 'delivered',
      ),
    );
    await putPreferences(id, { channels: ['sms', 'email'], preferredChannel: 'email' });
    const mail = await send({
      cause: `canary-mail:${id}`,
      memberId: id,
      purpose: 'service',
      content: '您的会员卡已更新',
    });
    await messageInState(id, mail.messageId, ['delivered']);
    // A WeChat template message goes to the member's openid, read from members at send time.
    const onWechat = await send({
      cause: `canary-wechat:${id}`,
      memberId: id,
      purpose: 'service',
      channel: 'wechat',
      content: '您的处方已备好',
    });
    expect(onWechat.status).toBe('skipped'); // not among the channels the member allows
    await putPreferences(id, { channels: ['sms', 'email', 'wechat'], preferredChannel: 'wechat' });
    const wechat = await send({
      cause: `canary-wechat-allowed:${id}`,
      memberId: id,
      purpose: 'service',
      content: '您的处方已备好',
    });
    await messageInState(id, wechat.messageId, ['delivered']);
    // The addresses did reach the provider (so the searches below look for the right strings).
    const addresses = [phone, email, openId];
    const atStub = (await stub.received()).filter((m) => addresses.includes(m.to));
    expect(atStub.map((m) => m.channel).sort()).toEqual(['email', 'sms', 'wechat']);

    const hits: string[] = [];
    const store = db();
    for (const { name } of await store.listCollections().toArray()) {
      const docs = JSON.stringify(await store.collection(name).find().toArray());
      if (addresses.some((a) => docs.includes(a))) hits.push(`collection ${name}`);
    }
    const events = await readTopic(Topics.notificationsEvents, () => false, 5000, suiteStarted);
    expect(events.length).toBeGreaterThan(0);
    for (const m of events) {
      const text = `${m.key} ${m.value} ${JSON.stringify(m.headers)}`;
      if (addresses.some((a) => text.includes(a))) hits.push('topic notifications.events');
    }
    for (const process of system.processes.values()) {
      const logs = process.logs();
      if (addresses.some((a) => logs.includes(a))) hits.push(`log of ${process.name}`);
    }
    expect(hits).toEqual([]);
  });
});
