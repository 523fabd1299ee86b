/**
 * Notifications end to end, with the provider stub as a real process: the welcome note and its
 * delivery receipt; forged, tampered, stale, replayed, malformed and oversized webhooks; an
 * opt-out reply withdrawing marketing consent in the members service; the 5th marketing SMS
 * of a year refused with its reason, under concurrency; a provider 500 retried and failed over;
 * and a SIGKILL between the provider's acceptance and our record, after which the provider has
 * the message exactly once.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  type NotificationView,
  type SendNotificationCommand,
  type SendNotificationResult,
  signWebhook,
  Subjects,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { devEnv } from '@crm/testing';
import { ProviderStub } from './support/provider-stub';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let stub: ProviderStub;
let nats: NatsConnection;
const secret = devEnv().WEBHOOK_SECRET_STUB!;

beforeAll(async () => {
  stub = await ProviderStub.reservePort();
  system = await startSystem(['members', 'notifications', 'gateway'], {
    env: {
      ...stub.notificationsEnv(),
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_ATTEMPT_LEASE_MS: '2000',
      DISPATCH_POLL_MS: '100',
      PROVIDER_TIMEOUT_MS: '1500',
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

async function notificationsOf(memberId: string): Promise<NotificationView[]> {
  const answer = await system.api('GET', `/api/v1/members/${memberId}/notifications`);
  expect(answer.status).toBe(200);
  return answer.body.items as NotificationView[];
}

async function messageInState(memberId: string, messageId: string, statuses: string[]) {
  return until(`${messageId} in ${statuses.join('|')}`, async () => {
    const found = (await notificationsOf(memberId)).find((m) => m.messageId === messageId);
    return found && statuses.includes(found.status) ? found : null;
  });
}

async function member(marketingSms = false): Promise<{ id: string; phone: string }> {
  return system.registerMember({
    name: '通知',
    phone: uniquePhone('135'),
    channel: 'store',
    homeStoreId: 'S001',
    ...(marketingSms ? { consents: { marketing: { sms: true } } } : {}),
  });
}

/** Waits for the welcome note of a new member to be delivered (so later faults do not hit it). */
async function welcomed(memberId: string): Promise<NotificationView> {
  const note = await until('the welcome note', async () =>
    (await notificationsOf(memberId)).find((m) => m.cause === `welcome:${memberId}`),
  );
  return messageInState(memberId, note.messageId, ['delivered']);
}

function postWebhook(
  provider: string,
  body: string,
  headers: { timestamp?: number; signature?: string } = {},
) {
  const timestamp = headers.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = headers.signature ?? signWebhook(secret, timestamp, Buffer.from(body));
  return system.api(
    'POST',
    `/api/v1/webhooks/notifications/${provider}`,
    body,
    { token: null },
    {
      'x-signature-timestamp': String(timestamp),
      'x-signature': signature,
    },
  );
}

it('sends the welcome note once per member, and shows its delivery receipt', async () => {
  const { id, phone } = await member();
  const note = await welcomed(id);
  expect(note).toMatchObject({ channel: 'sms', purpose: 'service', provider: 'stub', attempts: 1 });
  expect(note.history.map((h) => h.status)).toEqual(['queued', 'sent', 'delivered']);
  const received = await stub.received({ idempotencyKey: note.messageId });
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ to: phone, provider: 'stub', repeats: 0 });
  // The same cause again (a redelivered trigger) is the same message, not a second one.
  const again = await send({
    cause: `welcome:${id}`,
    memberId: id,
    purpose: 'service',
    channel: 'sms',
    content: 'again',
  });
  expect(again).toEqual({ messageId: note.messageId, status: 'delivered' });
  expect(await stub.received({ idempotencyKey: note.messageId })).toHaveLength(1);
  // The address never reaches the notifications store.
  const stored = await system.mongo
    .db(system.dbOf('notifications'))
    .collection('messages')
    .findOne({ _id: note.messageId as never });
  expect(JSON.stringify(stored)).not.toContain(phone);
});

it('refuses forged, tampered, stale and malformed webhooks, and applies a replay once', async () => {
  const { id } = await member();
  const note = await welcomed(id);
  const event = (eventId: string, status = 'delivered') =>
    JSON.stringify({
      eventId,
      messageId: note.messageId,
      status,
      occurredAt: new Date().toISOString(),
      reply: null,
    });

  const forged = await postWebhook('stub', event('evt-forged'), {
    signature: signWebhook(
      'not-the-secret-0123456789',
      Math.floor(Date.now() / 1000),
      Buffer.from(event('evt-forged')),
    ),
  });
  const body = event('evt-tampered');
  const now = Math.floor(Date.now() / 1000);
  const tampered = await postWebhook('stub', body.replace('delivered', 'delivereD'), {
    timestamp: now,
    signature: signWebhook(secret, now, Buffer.from(body)),
  });
  const staleAt = now - 301;
  const stale = await postWebhook('stub', event('evt-stale'), { timestamp: staleAt });
  const unsigned = await system.api('POST', '/api/v1/webhooks/notifications/stub', event('evt-x'), {
    token: null,
  });
  const unknownProvider = await postWebhook('nosuch', event('evt-y'));
  expect([
    forged.status,
    tampered.status,
    stale.status,
    unsigned.status,
    unknownProvider.status,
  ]).toEqual([401, 401, 401, 401, 401]);
  expect(stale.body.error.code).toBe('AUTH.UNAUTHENTICATED');

  const malformed = await postWebhook(
    'stub',
    JSON.stringify({ eventId: 'evt-m', status: 'delivered' }),
  );
  expect(malformed.status).toBe(400);
  const oversized = await postWebhook('stub', JSON.stringify({ pad: 'x'.repeat(20_000) }));
  expect(oversized.status).toBe(413);

  // A later `failed` applies once; its replay is acknowledged and changes nothing.
  const failed = event('evt-late-failure', 'failed');
  const first = await postWebhook('stub', failed);
  const replay = await postWebhook('stub', failed);
  expect([first.status, first.body.applied, replay.status, replay.body.applied]).toEqual([
    200,
    true,
    200,
    false,
  ]);
  const events = await system.mongo
    .db(system.dbOf('notifications'))
    .collection('message_events')
    .countDocuments({ messageId: note.messageId, eventId: 'evt-late-failure' });
  expect(events).toBe(1);
  const after = await messageInState(id, note.messageId, ['failed']);
  // An event that happened earlier, arriving now, does not undo the later one.
  const early = JSON.stringify({
    eventId: 'evt-early',
    messageId: note.messageId,
    status: 'delivered',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    reply: null,
  });
  expect((await postWebhook('stub', early)).status).toBe(200);
  expect((await notificationsOf(id)).find((m) => m.messageId === note.messageId)!.status).toBe(
    after.status,
  );
});

it('withdraws marketing consent for the channel on an opt-out reply (full-width ＴＤ)', async () => {
  const { id } = await member(true);
  await welcomed(id);
  const promo = await send({
    cause: `promo:${id}:1`,
    memberId: id,
    purpose: 'marketing',
    channel: 'sms',
    content: '会员日',
  });
  expect(promo.status).toBe('queued');
  await messageInState(id, promo.messageId, ['delivered']);
  expect(await stub.reply('stub', promo.messageId, ' ＴＤ ')).toMatchObject({ status: 200 });
  await messageInState(id, promo.messageId, ['replied']);
  const consent = await until('the consent withdrawn', async () => {
    const profile = await system.api('GET', `/api/v1/members/${id}`);
    return profile.body.consents.marketing.sms?.granted === false
      ? profile.body.consents.marketing.sms
      : null;
  });
  expect(consent).toMatchObject({ granted: false });
  const next = await send({
    cause: `promo:${id}:2`,
    memberId: id,
    purpose: 'marketing',
    channel: 'sms',
    content: '会员日',
  });
  expect(next).toMatchObject({ status: 'skipped', reason: 'no-marketing-consent' });
});

it('refuses the 5th marketing SMS of a rolling year with its reason, exactly under concurrency', async () => {
  const { id } = await member(true);
  const results = await Promise.all(
    [1, 2, 3, 4, 5, 6].map((n) =>
      send({
        cause: `cap-test:${id}:${n}`,
        memberId: id,
        purpose: 'marketing',
        channel: 'sms',
        content: `优惠 ${n}`,
      }),
    ),
  );
  const accepted = results.filter((r) => r.status === 'queued');
  const refused = results.filter((r) => r.status === 'skipped');
  expect([accepted.length, refused.length]).toEqual([4, 2]);
  for (const r of refused)
    expect(r.reason).toMatch(/^cap-reached: 4 marketing sms messages per rolling year/);
  const slots = await system.mongo
    .db(system.dbOf('notifications'))
    .collection('cap_slots')
    .countDocuments({ memberId: id, channel: 'sms' });
  expect(slots).toBe(4);
  // Asking again for a refused cause answers the same refusal (once per cause).
  const again = await send({
    cause: `cap-test:${id}:${results.indexOf(refused[0]!) + 1}`,
    memberId: id,
    purpose: 'marketing',
    channel: 'sms',
    content: 'x',
  });
  expect(again).toEqual(refused[0]);
  // A service message is never capped.
  expect(
    (
      await send({
        cause: `svc:${id}:1`,
        memberId: id,
        purpose: 'service',
        channel: 'sms',
        content: '取药提醒',
      })
    ).status,
  ).toBe('queued');
});

it('retries a provider 500 and fails over to the second provider', async () => {
  const { id } = await member();
  await welcomed(id);
  await stub.faults('stub', { mode: 'error', status: 500 });
  try {
    const sent = await send({
      cause: `failover:${id}`,
      memberId: id,
      purpose: 'service',
      channel: 'sms',
      content: '您的处方已备好',
    });
    const done = await messageInState(id, sent.messageId, ['delivered']);
    expect(done).toMatchObject({ provider: 'stubalt', attempts: 3 });
    expect(
      done.history.filter((h) => h.reason?.includes('provider error (500)')).map((h) => h.provider),
    ).toEqual(['stub', 'stub']);
    expect(await stub.received({ provider: 'stub', idempotencyKey: sent.messageId })).toHaveLength(
      0,
    );
    expect(
      await stub.received({ provider: 'stubalt', idempotencyKey: sent.messageId }),
    ).toHaveLength(1);
  } finally {
    await stub.faults('stub', { mode: 'none' });
  }
});

it('reaches the provider once when killed between its acceptance and our record', async () => {
  const { id } = await member();
  await welcomed(id);
  const notifications = system.processes.get('notifications')!;
  await notifications.stop();
  await notifications.start({ env: { FAILPOINTS: 'notifications.delivery.accepted' } });
  const asked = send({
    cause: `crash:${id}`,
    memberId: id,
    purpose: 'clinical',
    channel: 'sms',
    content: '请按时服药',
  }).catch(() => null);
  const exit = await notifications.exited();
  expect(exit.signal).toBe('SIGKILL');
  await asked;
  await notifications.start();
  const messageId = (
    await until('the message on file', async () =>
      (await notificationsOf(id)).find((m) => m.cause === `crash:${id}`),
    )
  ).messageId;
  const done = await messageInState(id, messageId, ['sent', 'delivered']);
  expect(done.provider).toBe('stub');
  // Give a resend after the crash its time (the attempt lease), then count at the provider.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const atProvider = [
    ...(await stub.received({ provider: 'stub', idempotencyKey: messageId })),
    ...(await stub.received({ provider: 'stubalt', idempotencyKey: messageId })),
  ];
  // Delivered once: a resend after the crash (if the receipt did not come first) was the same
  // message to the provider, absorbed by its idempotency key.
  expect(atProvider).toHaveLength(1);
  expect(atProvider[0]!.repeats).toBeLessThanOrEqual(1);
  expect(done.attempts).toBeLessThanOrEqual(2);
});
