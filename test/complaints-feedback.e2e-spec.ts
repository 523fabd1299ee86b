/**
 * Complaints and the member, end to end through the gateway, Kafka, notifications and the
 * provider stub: the satisfaction question after a resolution (sent once per case, however often
 * it is resolved), satisfaction recorded once (of two concurrent answers one wins), the follow-up
 * after closing (once); and `member.erased` / `member.merged` from the members service: an erased
 * member's case stays without the person, a merged member's cases follow the survivor.
 */
import { randomUUID } from 'node:crypto';
import { ProviderStub } from './support/provider-stub';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let stub: ProviderStub;
const runId = randomUUID().slice(0, 8);
let keySeq = 0;

beforeAll(async () => {
  stub = await ProviderStub.reservePort();
  system = await startSystem(['members', 'notifications', 'complaints', 'gateway'], {
    env: {
      ...stub.notificationsEnv(),
      DISPATCH_POLL_MS: '100',
      COMPLAINTS_RECOVERY_EVERY_MS: '1000',
      COMPLAINT_FEEDBACK_SEND_EVERY_MS: '300',
      // Due at the closing itself, so the suite sees the follow-up sent.
      COMPLAINT_FOLLOW_UP_DAYS: '0',
    },
  });
  await stub.start(`${system.gatewayUrl}/api/v1/webhooks/notifications`);
});

afterAll(async () => {
  await stub?.stop();
  await system?.stop();
});

async function member(name = '王芳'): Promise<{ id: string; phone: string }> {
  return system.registerMember({
    name,
    phone: uniquePhone('137'),
    channel: 'store',
    homeStoreId: 'S001',
  });
}

async function receive(body: Record<string, unknown>) {
  const created = await system.api('POST', '/api/v1/complaints', body, ['store_clerk'], {
    'Idempotency-Key': `${runId}-feedback-${++keySeq}`,
  });
  expect(created.status).toBe(201);
  return created.body as { id: string };
}

const complaint = (memberId: string, extra: Record<string, unknown> = {}) => ({
  memberId,
  channel: 'store',
  category: 'service',
  severity: 'medium',
  storeId: 'S001',
  description: 'The pharmacist was short with me',
  ...extra,
});

const move = (id: string, body: Record<string, unknown>) =>
  system.api('POST', `/api/v1/complaints/${id}/transitions`, body, ['desk_agent']);

async function moved(id: string, body: Record<string, unknown>) {
  const answer = await move(id, body);
  expect(answer.status).toBe(200);
  return answer.body;
}

const getCase = async (id: string) => {
  const answer = await system.api('GET', `/api/v1/complaints/${id}`);
  expect(answer.status).toBe(200);
  return answer.body;
};

const notifications = () => system.mongo.db(system.dbOf('notifications')).collection('messages');
const complaintsDb = () => system.mongo.db(system.dbOf('complaints'));

/** Messages the provider got about this case, by their text. */
async function atProvider(caseId: string, words: string): Promise<number> {
  const received = await stub.received();
  return received.filter((m) => m.body.includes(caseId) && m.body.includes(words)).length;
}

describe('feedback', () => {
  it('asks for satisfaction once per case, records it once, and follows up once after closing', async () => {
    const person = await member();
    const { id } = await receive(complaint(person.id));
    const satisfactionCause = `complaint:${id}:satisfaction`;
    const followUpCause = `complaint:${id}:follow-up`;

    await moved(id, { action: 'investigate' });
    await moved(id, { action: 'resolve', resolution: 'Apologised; coaching for the shift' });
    await until(
      'the satisfaction question at the provider',
      async () => (await atProvider(id, 'How satisfied')) >= 1,
    );
    const asked = await getCase(id);
    expect(asked.feedbackRequests).toEqual([
      expect.objectContaining({ kind: 'satisfaction', cause: satisfactionCause, status: 'sent' }),
    ]);

    // Resolved a second time after a reopen: no second question.
    await moved(id, { action: 'reopen', note: 'The member called back' });
    await moved(id, { action: 'resolve', resolution: 'Store manager called the member' });
    // The follow-up is sent after this closing, rounds later than any second question would be.
    await moved(id, { action: 'close' });
    await until(
      'the follow-up at the provider',
      async () => (await atProvider(id, 'still all right')) >= 1,
    );
    expect(await notifications().countDocuments({ cause: satisfactionCause })).toBe(1);
    expect(await notifications().countDocuments({ cause: followUpCause })).toBe(1);
    expect(await atProvider(id, 'How satisfied')).toBe(1);
    expect(await atProvider(id, 'still all right')).toBe(1);
    const messages = await notifications()
      .find({ cause: { $in: [satisfactionCause, followUpCause] } })
      .toArray();
    expect(messages.map((m) => [m.purpose, m.memberId])).toEqual([
      ['service', person.id],
      ['service', person.id],
    ]);

    // Two answers at once: one is recorded, the other is told it changed meanwhile.
    const answers = await Promise.all([
      move(id, { action: 'feedback', satisfaction: 4 }),
      move(id, { action: 'feedback', satisfaction: 2 }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.satisfaction as number;
    const late = await move(id, { action: 'feedback', satisfaction: 5 });
    expect(late.status).toBe(409);
    expect(late.body.error.details[0].allowed).not.toContain('feedback');
    const final = await getCase(id);
    expect(final.satisfaction).toBe(winner);
    expect(final.history.filter((h: { action: string }) => h.action === 'feedback')).toHaveLength(
      1,
    );
    expect(final.feedbackRequests.map((r: { kind: string }) => r.kind).sort()).toEqual([
      'follow_up',
      'satisfaction',
    ]);
  });

  it('asks nothing of an anonymous complainant', async () => {
    const { memberId: _none, ...anonymous } = complaint('x');
    const { id } = await receive(anonymous);
    await moved(id, { action: 'resolve', resolution: 'Explained the queue system' });
    await moved(id, { action: 'close' });
    const view = await getCase(id);
    expect(view.status).toBe('closed');
    expect(view.feedbackRequests).toEqual([]);
    expect(
      await complaintsDb().collection('complaint_feedback_requests').countDocuments({ caseId: id }),
    ).toBe(0);
  });
});

describe('member events', () => {
  it("keeps an erased member's case for quality records without the person", async () => {
    const person = await member('赵磊');
    const { id } = await receive(
      complaint(person.id, {
        category: 'quality',
        sku: 'SKU-ERASE',
        batch: `B-${runId}`,
        description: 'Capsules stuck together. Call me on 13912345678 or zhao.lei@example.cn',
      }),
    );
    await moved(id, { action: 'investigate', note: 'Member reachable at 139 1234 5678' });

    const erased = await system.api('DELETE', `/api/v1/members/${person.id}`, undefined, ['admin']);
    expect(erased.status).toBe(200);
    const view = await until('the case without the person', async () => {
      const found = await getCase(id);
      return found.memberId === null ? found : null;
    });
    expect(view).toMatchObject({
      category: 'quality',
      sku: 'SKU-ERASE',
      batch: `B-${runId}`,
      status: 'investigating',
      description: 'Capsules stuck together. Call me on [removed] or [removed]',
    });
    expect(view.history.map((h: { note: string | null }) => h.note)).toEqual([
      null,
      'Member reachable at [removed]',
    ]);
    // Nothing under the person's id is left in the service's collections.
    const db = complaintsDb();
    for (const name of ['complaint_versions', 'complaints', 'complaint_feedback_requests'])
      expect(await db.collection(name).countDocuments({ memberId: person.id })).toBe(0);
    expect(
      await db.collection('complaint_versions').countDocuments({ 'intake.memberId': person.id }),
    ).toBe(0);
    const raw = JSON.stringify(
      await db.collection('complaint_versions').find({ caseId: id }).toArray(),
    );
    expect(raw).not.toContain('13912345678');
    expect(raw).not.toContain('zhao.lei@example.cn');
    // The case is still found by its batch (quality records).
    const onBatch = await system.api('GET', `/api/v1/complaints?batch=B-${runId}`);
    expect(onBatch.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it("moves a merged member's cases to the survivor", async () => {
    const survivor = await member('孙丽');
    const duplicate = await member('孙丽');
    const first = await receive(complaint(duplicate.id));
    const second = await receive(complaint(duplicate.id, { category: 'price' }));
    const own = await receive(complaint(survivor.id));

    const merged = await system.api(
      'POST',
      `/api/v1/members/${survivor.id}/merge`,
      { duplicateId: duplicate.id },
      ['admin'],
    );
    expect(merged.status).toBe(200);
    await until('both cases under the survivor', async () => {
      const views = await Promise.all([first.id, second.id].map(getCase));
      return views.every((v) => v.memberId === survivor.id);
    });
    const db = complaintsDb();
    expect(
      await db.collection('complaint_versions').countDocuments({ memberId: duplicate.id }),
    ).toBe(0);
    expect(await db.collection('complaints').countDocuments({ memberId: survivor.id })).toBe(3);
    expect((await getCase(own.id)).memberId).toBe(survivor.id);
    // Every step of the three cases is the survivor's now (their timeline and export read these).
    const steps = await db
      .collection('complaint_versions')
      .find({ caseId: { $in: [first.id, second.id, own.id] } })
      .toArray();
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(steps.map((step) => step.memberId))).toEqual(new Set([survivor.id]));
  });
});
