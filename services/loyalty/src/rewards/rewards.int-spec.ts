/**
 * The reward catalogue against the real MongoDB-wire server: seeded once with the chain's
 * starting rewards (never over an admin's change), saved by admins, read by redemptions from
 * memory; a withdrawn reward is refused, and a reward with stock is never oversold.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import type { PointsRepository } from '../points/ledger/points.repository';
import { standaloneLedger } from '../points/ledger/standalone-ledger';
import type { WriteBehindPointsLedger } from '../points/ledger/write-behind-points-ledger';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { RedeemPoints } from '../redemptions/redeem-points.handler';
import { RewardCatalogue } from './reward-catalogue';
import { RewardsRepository } from './rewards.repository';
import { SaveReward } from './save-reward.handler';
import { MemberAdministration } from '../access/member-administration';
import type { MembersDirectory } from '../coupons/members-directory';

/** Chain-wide staff with no store: allowed everywhere, and no home store is asked for. */
const hq = (sub: string) => ({ sub, roles: ['admin'] });
const access = new MemberAdministration({} as MembersDirectory);

const member = 'abcdefabcdefabcdefabcdef';
const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });

describe('reward catalogue', () => {
  let connection: mongoose.Connection;
  let ledger: WriteBehindPointsLedger;
  let repository: PointsRepository;
  let rewards: RewardsRepository;
  let catalogue: RewardCatalogue;
  let save: SaveReward;
  let redeem: RedeemPoints;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_rewards_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    ({ ledger, repository } = await standaloneLedger(connection));
    rewards = new RewardsRepository(connection);
    await rewards.onModuleInit();
    catalogue = new RewardCatalogue(rewards, logger);
    await catalogue.refresh();
    save = new SaveReward(rewards, catalogue);
    redeem = new RedeemPoints(
      ledger,
      repository,
      catalogue,
      rewards,
      new ErasuresRepository(connection),
      access,
    );
    await ledger.post({
      _id: 'adjust:seed',
      memberId: member,
      kind: 'adjust',
      points: 10_000,
      lines: [],
      at: new Date(),
    });
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  const redeemAs = (key: string, rewardId: string, quantity = 1) =>
    redeem.execute({ id: member, idempotencyKey: key, rewardId, quantity }, hq('E001'));
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: { code: string }) => error.code,
    );

  it('is seeded with the starting rewards, once, and keeps an admin’s change', async () => {
    expect(catalogue.list().map((r) => r._id)).toEqual([
      'COUPON-10',
      'COUPON-5',
      'GIFT-BP-CHECK',
      'GIFT-THERMOMETER',
    ]);
    await save.update(
      { rewardId: 'COUPON-5', kind: 'coupon', name: '¥5 off', points: 450, active: true },
      'A001',
    );
    await rewards.onModuleInit(); // a restart
    expect(await rewards.find('COUPON-5')).toMatchObject({ points: 450, updatedBy: 'A001' });
    expect(await redeemAs('k-coupon5', 'COUPON-5')).toMatchObject({ points: 450 });
  });

  it('redeems a reward an admin added, refuses it once withdrawn, and answers a retry as before', async () => {
    const umbrella = { rewardId: 'GIFT-UMBRELLA', kind: 'gift' as const, name: 'Umbrella' };
    const created = await save.create({ ...umbrella, points: 800, active: true }, 'A001');
    expect(created).toMatchObject({ rewardId: 'GIFT-UMBRELLA', points: 800, active: true });
    expect(await codeOf(save.create({ ...umbrella, points: 1, active: true }, 'A001'))).toBe(
      'REWARD.EXISTS',
    );
    expect(await redeemAs('k-umbrella-1', 'GIFT-UMBRELLA')).toMatchObject({ points: 800 });

    await save.update({ ...umbrella, points: 800, active: false }, 'A001');
    expect(await codeOf(redeemAs('k-umbrella-2', 'GIFT-UMBRELLA'))).toBe('REWARD.UNAVAILABLE');
    expect(await redeemAs('k-umbrella-1', 'GIFT-UMBRELLA')).toMatchObject({ points: 800 });
    expect(await codeOf(redeemAs('k-unknown', 'NO-SUCH'))).toBe('VALIDATION.FAILED');
    expect(
      await codeOf(
        save.update(
          { rewardId: 'NO-SUCH', kind: 'gift', name: 'x', points: 1, active: true },
          'A001',
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('never sells more than the stock, and gives back what a refused redemption took', async () => {
    await save.create(
      { rewardId: 'GIFT-MASK', kind: 'gift', name: 'Masks', points: 100, active: true, stock: 3 },
      'A001',
    );
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => codeOf(redeemAs(`k-mask-${i}`, 'GIFT-MASK'))),
    );
    expect(answers.filter((a) => a === 'accepted')).toHaveLength(3);
    expect(answers.filter((a) => a === 'REWARD.UNAVAILABLE')).toHaveLength(3);
    expect((await rewards.find('GIFT-MASK'))?.stock).toBe(0);
    // A retry of an accepted one (which three win is the race's) takes nothing more.
    const accepted = answers.indexOf('accepted');
    expect(await codeOf(redeemAs(`k-mask-${accepted}`, 'GIFT-MASK'))).toBe('accepted');
    expect((await rewards.find('GIFT-MASK'))?.stock).toBe(0);

    // More than the balance: refused for points, the stock given back.
    await save.update(
      {
        rewardId: 'GIFT-MASK',
        kind: 'gift',
        name: 'Masks',
        points: 100_000,
        active: true,
        stock: 1,
      },
      'A001',
    );
    expect(await codeOf(redeemAs('k-mask-big', 'GIFT-MASK'))).toBe('POINTS.INSUFFICIENT');
    expect((await rewards.find('GIFT-MASK'))?.stock).toBe(1);

    const entries = await repository.entries.find({ memberId: member }).toArray();
    expect((await ledger.account(member))?.balance).toBe(
      entries.reduce((sum, e) => sum + e.points, 0),
    );
  });
});
