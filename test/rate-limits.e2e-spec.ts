/**
 * Rate limits through the gateway (QUALITY.md: "request limit + 1 gets 429 with
 * Retry-After"), with small limits and a short window, counted in NATS KV across two
 * gateway processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceProcess, staffToken } from '@crm/testing';
import { startSystem, uniquePhone, type TestSystem } from './support/system';

const WINDOW_SECONDS = 5;
const LIMITS = { staff: 12, phoneLookups: 4, storePhoneLookups: 6, unauthenticated: 3 };

let system: TestSystem;
let secondGateway: ServiceProcess;
let memberId: string;

beforeAll(async () => {
  system = await startSystem(['members', 'gateway'], {
    env: {
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_STAFF_PER_WINDOW: String(LIMITS.staff),
      RATE_LIMIT_PHONE_LOOKUPS_PER_WINDOW: String(LIMITS.phoneLookups),
      RATE_LIMIT_STORE_PHONE_LOOKUPS_PER_WINDOW: String(LIMITS.storePhoneLookups),
      RATE_LIMIT_UNAUTHENTICATED_PER_WINDOW: String(LIMITS.unauthenticated),
    },
  });
  // Another replica: same configuration, same NATS and bus namespace, so the same KV bucket.
  secondGateway = await system.processes.get('gateway')!.sibling();
  await secondGateway.start();
  memberId = (
    await system.registerMember({
      name: '限流',
      phone: uniquePhone('137'),
      channel: 'store',
      homeStoreId: 'S001',
    })
  ).id;
});

afterAll(async () => {
  await secondGateway?.stop();
  await system?.stop();
});

/** Windows are aligned to the clock: start a scenario at a window's start, so it fits in one. */
async function atWindowStart(): Promise<void> {
  const windowMs = WINDOW_SECONDS * 1000;
  await sleep(windowMs - (Date.now() % windowMs) + 50);
}

async function get(
  path: string,
  options: { token?: string; headers?: Record<string, string>; gateway?: string } = {},
) {
  const response = await fetch(`${options.gateway ?? system.gatewayUrl}${path}`, {
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

const token = (sub: string, storeId = 'S001') => staffToken(['store_clerk'], { sub, storeId });

describe('rate limits', () => {
  it('the staff limit: the limit passes, limit + 1 gets 429 with Retry-After in the standard body; the next window passes again', async () => {
    const clerk = await token('E-rl-staff');
    await atWindowStart();
    for (let i = 0; i < LIMITS.staff; i++) {
      const answer = await get(`/api/v1/members/${memberId}`, { token: clerk });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(LIMITS.staff - i - 1));
    }
    const refused = await get(`/api/v1/members/${memberId}`, { token: clerk });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused.headers.get('ratelimit-limit')).toBe(String(LIMITS.staff));
    expect(refused.body).toEqual({
      error: {
        code: 'RATE.LIMITED',
        message: expect.stringContaining('Too many requests'),
        details: [
          {
            scope: 'staff',
            limit: LIMITS.staff,
            windowSeconds: WINDOW_SECONDS,
            retryAfterSeconds: retryAfter,
          },
        ],
      },
    });
    // Another staff member is not affected.
    expect(
      (await get(`/api/v1/members/${memberId}`, { token: await token('E-rl-other') })).status,
    ).toBe(200);

    await sleep(retryAfter * 1000 + 100);
    expect((await get(`/api/v1/members/${memberId}`, { token: clerk })).status).toBe(200);
  });

  it('phone lookups have their own tighter limit per staff member, and one per store', async () => {
    const clerk = await token('E-rl-lookup', 'S101');
    await atWindowStart();
    const lookup = (t: string) => get(`/api/v1/members?phone=${uniquePhone('135')}`, { token: t });
    for (let i = 0; i < LIMITS.phoneLookups; i++) expect((await lookup(clerk)).status).toBe(200);
    const refused = await lookup(clerk);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details[0].scope).toBe('phone-lookup');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The staff member's other requests still pass: a separate, larger count.
    expect((await get(`/api/v1/members/${memberId}`, { token: clerk })).status).toBe(200);

    // The store's desks together: the clerk's refused lookup spent none of the store's, so a
    // colleague at S101 has 6 - 4 = 2 left this window.
    const colleague = await token('E-rl-lookup-2', 'S101');
    for (let i = 0; i < 2; i++) expect((await lookup(colleague)).status).toBe(200);
    const storeRefused = await lookup(colleague);
    expect(storeRefused.status).toBe(429);
    expect(storeRefused.body.error.details[0].scope).toBe('store-phone-lookup');
    // Another store's clerk is not affected.
    expect((await lookup(await token('E-rl-lookup-3', 'S102'))).status).toBe(200);
  });

  it('requests without a valid token are limited by client address; probes are never limited', async () => {
    await atWindowStart();
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
    for (let i = 0; i < LIMITS.unauthenticated; i++)
      expect((await get('/api/v1/members?phone=13500000000', from('198.51.100.7'))).status).toBe(
        401,
      );
    const refused = await get('/api/v1/members?phone=13500000000', {
      headers: { 'x-forwarded-for': '198.51.100.7', authorization: 'Bearer not-a-token' },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'RATE.LIMITED',
      details: [{ scope: 'unauthenticated' }],
    });
    // An address the client writes to the left of the proxy's is not believed.
    expect((await get('/api/v1/members', from('203.0.113.1, 198.51.100.7'))).status).toBe(429);
    // Another address has its own count.
    expect((await get('/api/v1/members', from('198.51.100.8'))).status).toBe(401);
    for (let i = 0; i < 10; i++) {
      expect((await get('/health/ready', from('198.51.100.7'))).status).toBe(200);
      expect((await get('/metrics', from('198.51.100.7'))).status).toBe(200);
    }
  });

  it('two gateway processes share one count: requests split across both are limited at the same total', async () => {
    const clerk = await token('E-rl-replicas');
    const gateways = [system.gatewayUrl, secondGateway.url];
    await atWindowStart();
    // One by one, alternating: the limit + 1st is refused on whichever process takes it.
    for (let i = 0; i < LIMITS.staff; i++)
      expect(
        (await get(`/api/v1/members/${memberId}`, { token: clerk, gateway: gateways[i % 2] }))
          .status,
      ).toBe(200);
    for (const gateway of gateways)
      expect((await get(`/api/v1/members/${memberId}`, { token: clerk, gateway })).status).toBe(
        429,
      );

    // All at once across both: exactly the limit passes (no count lost to a race).
    const burst = await token('E-rl-burst');
    await atWindowStart();
    const answers = await Promise.all(
      Array.from({ length: 3 * LIMITS.staff }, (_, i) =>
        get(`/api/v1/members/${memberId}`, { token: burst, gateway: gateways[i % 2] }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.staff);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * LIMITS.staff);
  });

  it('documents 429 in OpenAPI', async () => {
    const docs = await get('/api/docs-json');
    const lookup = docs.body.paths['/api/v1/members'].get.responses;
    expect(lookup['429']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
  });
});
