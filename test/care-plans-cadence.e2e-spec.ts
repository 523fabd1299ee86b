/**
 * The contact cadence on a timer, with two care-plans replicas on one database: each period is
 * run by one of them (its run id inserted once), every member who bought gets the month's
 * cadence tasks without anyone asking, and each task exists once.
 */
import type { ServiceProcess } from '@crm/testing';
import { sendToPos } from './support/points-stream';
import { posTransaction, type PosItem } from './support/pos-messages';
import { startSystem, uniquePhone, until, type TestSystem } from './support/system';

let system: TestSystem;
let sibling: ServiceProcess | undefined;
const PERIOD_MS = 3000;

beforeAll(async () => {
  system = await startSystem(['members', 'care-plans', 'gateway'], {
    env: {
      // A period every 3 s, looked for every 500 ms by both replicas: many chances to collide.
      CARE_CADENCE_PERIOD_MS: String(PERIOD_MS),
      CARE_CADENCE_EVERY_MS: '500',
      CARE_CADENCE_LEASE_MS: '600000',
    },
  });
  sibling = await system.processes.get('care-plans')!.sibling();
  await sibling.start();
});

afterAll(async () => {
  await sibling?.stop();
  await system?.stop();
});

const care = () => system.mongo.db(system.dbOf('care-plans'));

const amlodipine = (quantity: number): PosItem =>
  ({
    sku: 'AML5',
    name: 'Amlodipine',
    category: 'otc',
    atc: 'C08CA01',
    rx: true,
    quantity,
    unitPriceCents: 3200,
    daysSupply: 30,
  }) as PosItem;

describe('contact cadence on a timer', () => {
  it('two replicas: each period run once, each member’s month of contacts made once', async () => {
    const members: { id: string; phone: string }[] = [];
    for (let i = 0; i < 4; i++)
      members.push(
        await system.registerMember({
          name: `林定时${i}`,
          phone: uniquePhone('137'),
          channel: 'store',
          homeStoreId: 'S001',
          consents: { healthData: true },
        }),
      );
    // Supplies of 30–120 days bought 20 days ago: different tiers, so different task counts.
    await sendToPos(
      members.map((m, i) =>
        posTransaction(m.phone, `CADT-${system.runId}-${i}`, [amlodipine(i + 1)], {
          occurredAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
        }),
      ),
    );
    await until(
      'the fills recorded',
      async () => (await care().collection('refill_reminders').countDocuments({})) === 4,
    );
    const recordedAt = Date.now();
    // Nobody asks: the timer schedules them, in a period that began after the fills.
    const expected = new Map<string, number>();
    for (const m of members) {
      const view = await system.api('GET', `/api/v1/members/${m.id}/cadence`, undefined, [
        'store_clerk',
      ]);
      expect(view.status).toBe(200);
      expected.set(m.id, view.body.contacts.length);
    }
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const cadenceTasks = () =>
      care()
        .collection('care_tasks')
        .find({ 'cause.type': 'cadence' }, { projection: { memberId: 1 } })
        .toArray();
    await until(
      'every member’s contacts scheduled by the timer',
      async () => {
        const tasks = await cadenceTasks();
        return members.every(
          (m) => tasks.filter((t) => t.memberId === m.id).length === expected.get(m.id),
        );
      },
      120_000,
    );
    // Two more periods pass with both replicas looking: nothing is made again.
    const laterPeriod = Math.floor(recordedAt / PERIOD_MS) + 3;
    await until(
      'two more periods run',
      async () =>
        (await care()
          .collection('cadence_runs')
          .countDocuments({
            _id: `cadence:${laterPeriod}` as never,
            finishedAt: { $exists: true },
          })) === 1,
      120_000,
    );
    const tasks = await cadenceTasks();
    for (const m of members)
      expect(tasks.filter((t) => t.memberId === m.id)).toHaveLength(expected.get(m.id)!);

    const runs = await care().collection('cadence_runs').find({}).toArray();
    // Each period was started by one replica once (a second starter would have counted a pass),
    // and what the runs inserted adds up to the tasks: no task was made by two runs.
    expect(runs.length).toBeGreaterThan(3);
    expect(runs.filter((r) => r.passes !== 1)).toEqual([]);
    const inserted = runs.reduce((sum, r) => sum + (r.inserted ?? 0), 0);
    expect(inserted).toBe(tasks.length);
    const owners = new Set(runs.map((r) => r.owner));
    console.log(
      `[cadence-timer] ${JSON.stringify({ runs: runs.length, owners: owners.size, tasks: tasks.length, inserted })}`,
    );
  });
});
