/**
 * Points expiry against the real MongoDB-wire server: spent oldest first, told a month ahead,
 * expired once at the end of their month, and the balance still the sum of the entries.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import type { EarningSettings } from './earning';
import { ExpirePoints } from './expire-points';
import type { PointsRepository } from './ledger/points.repository';
import { standaloneLedger } from './ledger/standalone-ledger';
import type { WriteBehindPointsLedger } from './ledger/write-behind-points-ledger';

const settings = { utcOffsetMinutes: 480, lifetimeDays: 365 } as EarningSettings;
const at = new Date('2025-01-15T04:00:00Z');

describe('points expiry', () => {
  let connection: mongoose.Connection;
  let ledger: WriteBehindPointsLedger;
  let repository: PointsRepository;
  let expiry: ExpirePoints;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_expiry_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ({ ledger, repository } = await standaloneLedger(connection));
    expiry = new ExpirePoints(
      ledger,
      settings,
      connection as never,
      new PinoLogger({ pinoHttp: { level: 'silent' } }),
    );
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  it('expires what is left of the oldest credits at the end of their month, once, after telling', async () => {
    const earn = (id: string, points: number, expiresAfter: string) =>
      ledger.post({
        _id: `earn:${id}`,
        memberId: 'e1',
        kind: 'earn',
        points,
        lines: [],
        expiresAfter,
        at,
      });
    await earn('A', 100, '2026-01');
    await earn('B', 50, '2026-03');
    await ledger.spend({
      _id: 'redeem:e1:k1',
      memberId: 'e1',
      kind: 'redeem',
      points: -120,
      lines: [],
      at,
    });

    // February: January's credits were all spent; nothing expires, nothing to tell.
    expect(await expiry.run(new Date('2026-02-15T04:00:00Z'))).toEqual({ expired: 0, noticed: 0 });
    // March: B's 30 unspent points expire at the end of the month; told once.
    expect(await expiry.run(new Date('2026-03-10T04:00:00Z'))).toEqual({ expired: 0, noticed: 1 });
    expect(await expiry.run(new Date('2026-03-11T04:00:00Z'))).toEqual({ expired: 0, noticed: 0 });
    const notice = await expiry.notices.findOne({ _id: 'e1:2026-03' });
    expect(notice).toMatchObject({ points: 30, expiresAt: new Date('2026-03-31T15:59:59.999Z') });
    expect(notice?.outbox?.[0]?.envelope.type).toBe('points.expiring');

    // April: they expire, once.
    expect(await expiry.run(new Date('2026-04-02T04:00:00Z'))).toEqual({ expired: 30, noticed: 0 });
    expect(await expiry.run(new Date('2026-04-03T04:00:00Z'))).toEqual({ expired: 0, noticed: 0 });
    const entries = await repository.entries.find({ memberId: 'e1' }).toArray();
    const account = await ledger.account('e1');
    expect(account?.balance).toBe(0);
    expect(entries.reduce((sum, e) => sum + e.points, 0)).toBe(0);
    expect(entries.find((e) => e.kind === 'expire')).toMatchObject({
      _id: 'expire:e1:2026-04',
      points: -30,
    });
  });
});
