/**
 * Follow-ups against the real MongoDB-wire server: a refund that came before its sale, and a
 * sale run that fails half-way through settling against it (the store refused a write, the
 * process died). The run comes again, as Kafka redelivers it, and finishes the settlement: every
 * follow-up of the refunded sale ends cancelled, each by one closure.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { alendronateSale, refundOf } from '@crm/testing';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { WorklistMarkers } from '../tasks/worklist-markers.repository';
import { WorklistPageCache } from '../tasks/worklist-page-cache';
import { FollowUpRefundsRepository } from './follow-up-refunds.repository';
import { FOLLOW_UP_DAYS, followUpTaskId } from './follow-up-schedule';
import { RecordFollowUps } from './record-follow-ups.handler';

const DAY = 86_400_000;

describe('follow-ups of a sale refunded before it arrived', () => {
  let connection: mongoose.Connection;
  let tasks: CareTasksRepository;
  let followUps: RecordFollowUps;

  beforeAll(async () => {
    const dbName = `test_care_followups_${randomUUID().slice(0, 8)}`;
    connection = await mongoose.createConnection(process.env.MONGO_URL!, { dbName }).asPromise();
    const markers = new WorklistMarkers(connection);
    tasks = new CareTasksRepository(connection, markers, new WorklistPageCache(connection));
    const refunds = new FollowUpRefundsRepository(connection);
    await markers.onModuleInit();
    await tasks.onModuleInit();
    await refunds.onModuleInit();
    followUps = new RecordFollowUps(tasks, refunds, {
      followedCategories: new Set(['osteoporosis']),
      firstContacts: { day3: 'call', day7: 'call' },
    });
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('finishes cancelling them when the sale’s run comes again after failing half-way', async () => {
    const tx = `T-${randomUUID().slice(0, 8)}`;
    const sale = alendronateSale({
      transactionId: tx,
      memberId: 'b'.repeat(24),
      occurredAt: new Date(Date.now() - 2 * DAY).toISOString(),
    });
    const refund = refundOf(sale);
    await followUps.forRefund(refund);

    // The sale's run: the third cancellation fails, and the run with it.
    const close = tasks.close.bind(tasks);
    let closes = 0;
    const failing = jest.spyOn(tasks, 'close').mockImplementation(async (closure) => {
      if (++closes === 3) throw new Error('store unavailable');
      return close(closure);
    });
    await expect(followUps.forSales([sale])).rejects.toThrow('store unavailable');
    failing.mockRestore();
    const statuses = async () =>
      Promise.all(
        FOLLOW_UP_DAYS.map(async (day) => (await tasks.find(followUpTaskId(tx, day)))?.status),
      );
    expect(await statuses()).toEqual(['cancelled', 'cancelled', 'open', 'open', 'open']);

    // Kafka delivers the run again.
    expect(await followUps.forSales([sale])).toBe(0);
    expect(await statuses()).toEqual(FOLLOW_UP_DAYS.map(() => 'cancelled'));
    const closures = await connection
      .collection('task_closures')
      .find({ _id: { $in: FOLLOW_UP_DAYS.map((day) => followUpTaskId(tx, day)) } as never })
      .toArray();
    expect(closures.map((c) => c.reason)).toEqual(FOLLOW_UP_DAYS.map(() => `refund:${tx}-R`));
  });
});
