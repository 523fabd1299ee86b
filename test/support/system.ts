/**
 * Shared harness for end-to-end suites: start some of the services on a run's own databases,
 * call the gateway as a staff member, and wait for effects.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { ServiceProcess, staffToken, type ServiceName } from '@crm/testing';

export interface TestSystem {
  runId: string;
  mongo: MongoClient;
  gatewayUrl: string;
  processes: Map<ServiceName, ServiceProcess>;
  dbOf(service: ServiceName): string;
  /**
   * A call through the gateway as staff with `as` roles (default a desk agent at S001), or
   * with a given token (null: none), with any extra request headers.
   */
  api(
    method: string,
    path: string,
    body?: unknown,
    as?: string[] | { token: string | null },
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** Registers a member through the gateway; anything but a 201 fails the test, with the answer. */
  registerMember(body: Record<string, unknown>): Promise<{ id: string; phone: string }>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Variables for every service of the system (e.g. a shorter WRITER_LEASE_MS). */
  env?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON under test
  body: any;
  headers: Headers;
}

/**
 * Every suite calls as one staff member (`E-test`) from one address, one suite after another:
 * the gateway's per-minute limits would count them all together. The rate-limit suite sets its
 * own small limits.
 */
const UNLIMITED_FOR_TESTS = Object.fromEntries(
  [
    'RATE_LIMIT_STAFF_PER_WINDOW',
    'RATE_LIMIT_PHONE_LOOKUPS_PER_WINDOW',
    'RATE_LIMIT_STORE_PHONE_LOOKUPS_PER_WINDOW',
    'RATE_LIMIT_UNAUTHENTICATED_PER_WINDOW',
    'RATE_LIMIT_PUBLIC_PER_WINDOW',
  ].map((name) => [name, '1000000']),
);

/** Starts `services` (the gateway last) with fresh databases named after this run. */
export async function startSystem(
  services: ServiceName[],
  options: SystemOptions = {},
): Promise<TestSystem> {
  const runId = randomUUID().slice(0, 8);
  const startedAt = new Date(Date.now() - 1000).toISOString();
  const dbOf = (service: string) => `test_${service.replace('-', '_')}_${runId}`;
  const mongo = await MongoClient.connect(process.env.MONGO_URL!);
  const processes = new Map<ServiceName, ServiceProcess>();
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await mongo.close();
  };
  try {
    for (const service of services)
      processes.set(
        service,
        await ServiceProcess.create(service, {
          MONGO_DB: dbOf(service),
          LOG_LEVEL: 'info',
          OUTBOX_POLL_MS: '100',
          // Consumer groups of this run only, starting at what this run produces.
          CONSUMER_GROUP_SUFFIX: `.test-${runId}`,
          CONSUMER_NEW_GROUP_START: startedAt,
          ...UNLIMITED_FOR_TESTS,
          ...options.env,
        }),
      );
    const started = await Promise.allSettled(
      [...processes.values()].filter((p) => p.name !== 'gateway').map((p) => p.start()),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    await processes.get('gateway')?.start();
  } catch (error) {
    // A service that failed to start must not leave its siblings running: they would keep
    // jest from exiting.
    await stop();
    throw error;
  }
  const gateway = processes.get('gateway');
  const tokens = new Map<string, string>();
  const tokenFor = async (roles: string[]) => {
    const key = roles.join(',');
    if (!tokens.has(key)) tokens.set(key, await staffToken(roles, { storeId: 'S001' }));
    return tokens.get(key)!;
  };
  const system: TestSystem = {
    runId,
    mongo,
    gatewayUrl: gateway?.url ?? '',
    processes,
    dbOf,
    async registerMember(body) {
      const created = await system.api('POST', '/api/v1/members', body);
      if (created.status !== 201)
        throw new Error(
          `registering ${JSON.stringify(body)} answered ${created.status}: ${JSON.stringify(created.body)}`,
        );
      return { id: created.body.id as string, phone: body.phone as string };
    },
    async api(method, path, body, as = ['desk_agent'], headers = {}) {
      const token = Array.isArray(as) ? await tokenFor(as) : as.token;
      const response = await fetch(`${gateway!.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : null,
        headers: response.headers,
      };
    },
    stop,
  };
  return system;
}

/** `promise`, or a failure naming `what` if it has not settled within `timeoutMs`. */
export async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false | null>,
  timeoutMs = 30000,
  pollMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

let phoneSeq = 0;
/** A mainland mobile number no other test of this run uses. */
export function uniquePhone(prefix = '139'): string {
  const n = (Date.now() % 10_000_000) * 10 + (phoneSeq++ % 10);
  return `${prefix}${String(n).padStart(8, '0').slice(-8)}`;
}
