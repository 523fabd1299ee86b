/**
 * Bonuses against the real MongoDB-wire server and Kafka: a double click gives one entry, the
 * second answer is the first entry with `created: false`, the balance is the sum of the
 * entries, and each entry is announced on loyalty.events.v1.
 */
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { Topics } from '@crm/contracts';
import { readTopic, testKafka } from '@crm/testing';
import type { EarningSettings } from '../points/earning';
import type { PointsRepository } from '../points/ledger/points.repository';
import { standaloneLedger } from '../points/ledger/standalone-ledger';
import type { WriteBehindPointsLedger } from '../points/ledger/write-behind-points-ledger';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { GrantBonus } from './grant-bonus.handler';
import { MemberAdministration } from '../access/member-administration';
import type { MembersDirectory } from '../coupons/members-directory';

/** Chain-wide staff with no store: allowed everywhere, and no home store is asked for. */
const hq = (sub: string) => ({ sub, roles: ['admin'] });
const access = new MemberAdministration({} as MembersDirectory);

const settings = { utcOffsetMinutes: 480, lifetimeDays: 365 } as EarningSettings;
const amounts = { profile: 200, survey: 50, suggestion: 100 };
const member = '0123456789abcdef01234567';

describe('one-off bonuses', () => {
  let connection: mongoose.Connection;
  let ledger: WriteBehindPointsLedger;
  let repository: PointsRepository;
  let grant: GrantBonus;
  let producer: Producer;
  const startedAt = new Date();

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_bonuses_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    producer = testKafka().producer();
    await producer.connect();
    ({ ledger, repository } = await standaloneLedger(connection, producer));
    grant = new GrantBonus(
      ledger,
      repository,
      new ErasuresRepository(connection),
      settings,
      amounts,
      access,
    );
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
    await producer.disconnect();
  });

  it('gives each bonus once, however often it is asked for', async () => {
    const [first, second] = await Promise.all([
      grant.execute({ id: member, kind: 'profile' }, hq('E001')),
      grant.execute({ id: member, kind: 'profile' }, hq('E002')),
    ]);
    expect(first).toMatchObject({
      entryId: `bonus:profile:${member}`,
      kind: 'bonus',
      points: 200,
      reason: 'Online profile completed',
      staffId: 'E001',
      created: true,
    });
    expect(second).toEqual({ ...first, created: false });

    await grant.execute({ id: member, kind: 'survey', reference: 'S-1' }, hq('E001'));
    await grant.execute({ id: member, kind: 'survey', reference: 'S-2' }, hq('E001'));
    const again = await grant.execute({ id: member, kind: 'survey', reference: 'S-1' }, hq('E001'));
    expect(again).toMatchObject({ points: 50, created: false });

    const entries = await repository.entries.find({ memberId: member }).toArray();
    expect(entries.map((e) => e._id).sort()).toEqual([
      `bonus:profile:${member}`,
      `bonus:survey:${member}:S-1`,
      `bonus:survey:${member}:S-2`,
    ]);
    expect((await ledger.account(member))?.balance).toBe(300);
    // Each announced once, straight from the grant (no relay in this test).
    const ours = (messages: { key: string | null; value: string | null }[]) =>
      messages
        .filter((m) => m.key === member)
        .map((m) => JSON.parse(m.value!) as { type: string; payload: { entryId: string } })
        .filter((e) => e.payload.entryId.startsWith(`bonus:`));
    const read = await readTopic(
      Topics.loyaltyEvents,
      (messages) => ours(messages).length >= 3,
      20000,
      startedAt,
    );
    expect(ours(read).map((e) => [e.type, e.payload.entryId])).toEqual(
      expect.arrayContaining(entries.map((e) => ['points.bonus', e._id])),
    );
  });
});
