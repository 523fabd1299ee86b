/**
 * Bonuses against the real MongoDB-wire server: a double click gives one entry, the second
 * answer is the first entry with `created: false`, and the balance is the sum of the entries.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { LoyaltyOutbox } from '../loyalty-outbox';
import type { EarningSettings } from '../points/earning';
import { PointsLedgerRepository } from '../points/points-ledger.repository';
import { GrantBonus } from './grant-bonus.handler';

const settings = { utcOffsetMinutes: 480, lifetimeDays: 365 } as EarningSettings;
const amounts = { profile: 200, survey: 50, suggestion: 100 };
const member = '0123456789abcdef01234567';

describe('one-off bonuses', () => {
  let connection: mongoose.Connection;
  let ledger: PointsLedgerRepository;
  let grant: GrantBonus;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_bonuses_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ledger = new PointsLedgerRepository(connection);
    await ledger.onModuleInit();
    const outbox = { nudge: () => undefined } as unknown as LoyaltyOutbox;
    grant = new GrantBonus(ledger, outbox, settings, amounts);
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('gives each bonus once, however often it is asked for', async () => {
    const [first, second] = await Promise.all([
      grant.execute({ id: member, kind: 'profile' }, 'E001'),
      grant.execute({ id: member, kind: 'profile' }, 'E002'),
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

    await grant.execute({ id: member, kind: 'survey', reference: 'S-1' }, 'E001');
    await grant.execute({ id: member, kind: 'survey', reference: 'S-2' }, 'E001');
    const again = await grant.execute({ id: member, kind: 'survey', reference: 'S-1' }, 'E001');
    expect(again).toMatchObject({ points: 50, created: false });

    const entries = await ledger.entries.find({ memberId: member }).toArray();
    expect(entries.map((e) => e._id).sort()).toEqual([
      `bonus:profile:${member}`,
      `bonus:survey:${member}:S-1`,
      `bonus:survey:${member}:S-2`,
    ]);
    expect(entries[0]!.outbox?.[0]?.envelope.type).toBe('points.bonus');
    expect((await ledger.account(member))?.balance).toBe(300);
  });
});
