import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { createLogger } from '@crm/observability';
import { CampaignLease } from './campaign-lease';
import { CampaignsRepository } from './campaigns.repository';

describe('CampaignLease against the MongoDB-wire server', () => {
  const logger = createLogger('campaign-lease-test', 'silent');
  let connection: mongoose.Connection;
  let store: CampaignsRepository;
  const leases: CampaignLease[] = [];

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_campaign_lease_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    store = new CampaignsRepository(connection);
    await store.onModuleInit();
  });

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.release()));
  });

  afterAll(async () => {
    await connection.db!.dropDatabase();
    await connection.close();
  });

  const lease = (campaignId: string, owner: string, leaseMs: number) => {
    const made = new CampaignLease(store, campaignId, owner, leaseMs, logger);
    leases.push(made);
    return made;
  };

  it('of replicas taking a campaign together, exactly one runs it', async () => {
    const contenders = Array.from({ length: 6 }, (_, i) => lease('cmp_a', `replica-${i}`, 3000));
    const taken = await Promise.all(contenders.map((c) => c.take()));
    expect(taken.filter(Boolean)).toHaveLength(1);
    // While the holder renews, nobody else gets it, through several lease times.
    await sleep(1500);
    expect(await lease('cmp_a', 'late', 3000).take()).toBe(false);
    expect(contenders[taken.indexOf(true)]!.held).toBe(true);
  });

  it('is taken over once the holder stops renewing (a crash), and the old holder learns it lost', async () => {
    const holder = lease('cmp_b', 'crashed', 900);
    expect(await holder.take()).toBe(true);
    // A crash: the holder's renewals stop and its term runs out.
    (holder as unknown as { lose(reason: string): void }).lose('simulated crash');
    const successor = lease('cmp_b', 'successor', 900);
    expect(await successor.take()).toBe(false);
    await sleep(1000);
    expect(await successor.take()).toBe(true);
    expect(await store.latestLease('cmp_b')).toMatchObject({ term: 2, owner: 'successor' });
    expect(holder.held).toBe(false);
  });

  it('a holder that finds a later term stops at its next renewal', async () => {
    const holder = lease('cmp_c', 'first', 900);
    expect(await holder.take()).toBe(true);
    await store.takeLease({
      _id: 'cmp_c:t2',
      campaignId: 'cmp_c',
      term: 2,
      owner: 'someone-else',
      takenAt: new Date(),
      until: new Date(Date.now() + 900),
    });
    await sleep(700);
    expect(holder.held).toBe(false);
    expect(holder.lost).toBe('term 2 was taken by another replica');
  });

  it('a released lease is taken at once by the next replica', async () => {
    const holder = lease('cmp_d', 'stopping', 30_000);
    expect(await holder.take()).toBe(true);
    await holder.release();
    expect(await lease('cmp_d', 'next', 30_000).take()).toBe(true);
  });
});
