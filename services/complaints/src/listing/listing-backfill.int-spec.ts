/**
 * The listing's backfill against the real MongoDB-wire server: cases projected before the
 * buckets existed (their keys and markers taken away here) are listed again after one pass, and
 * the pass records itself so later start-ups skip the scan.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import type { ReceiveComplaintCommand } from '@crm/contracts';
import { CaseEffects } from '../cases/case-effects';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { CasesRepository } from '../cases/cases.repository';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import type { ComplaintsOutbox } from '../events/complaints-outbox';
import { AskForFeedback } from '../feedback/ask-for-feedback';
import { FeedbackRequestsRepository } from '../feedback/feedback-requests.repository';
import { ReceiveComplaint } from '../intake/receive-complaint.handler';
import { CaseReader } from '../lookup/case-reader';
import { BatchAlertsRepository } from '../quality/batch-alerts.repository';
import { SlaBreachesRepository } from '../sla/sla-breaches.repository';
import { SlaSettingsRepository } from '../sla/sla-settings.repository';
import { scopeOf } from './list-buckets';
import { ListBucketsRepository } from './list-buckets.repository';
import { ListingBackfill } from './listing-backfill';
import { readListingPage } from './listing-page';

const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
const clerk = { sub: 'E-clerk', roles: ['store_clerk'], storeId: 'S001' };

describe('the listing backfill', () => {
  let connection: mongoose.Connection;
  let cases: CasesRepository;
  let buckets: ListBucketsRepository;
  let receive: ReceiveComplaint;
  let backfill: ListingBackfill;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env.MONGO_URL!, {
        dbName: `test_complaint_backfill_${randomUUID().slice(0, 8)}`,
      })
      .asPromise();
    const config = new ComplaintsConfig();
    const clock = new ComplaintsClock(config);
    const versions = new CaseVersionsRepository(connection);
    cases = new CasesRepository(connection);
    buckets = new ListBucketsRepository(connection);
    const slaSettings = new SlaSettingsRepository(connection);
    const feedback = new FeedbackRequestsRepository(connection);
    const breaches = new SlaBreachesRepository(connection);
    for (const repository of [versions, cases, buckets, slaSettings, feedback, breaches])
      await repository.onModuleInit();
    const outbox = { nudge: () => undefined } as unknown as ComplaintsOutbox;
    const effects = new CaseEffects(
      versions,
      cases,
      buckets,
      new BatchAlertsRepository(connection),
      slaSettings,
      outbox,
      new AskForFeedback(feedback, config),
      config,
      clock,
      logger,
    );
    const reader = new CaseReader(versions, cases, breaches, slaSettings, config, clock, feedback);
    receive = new ReceiveComplaint(versions, effects, reader, clock, logger);
    backfill = new ListingBackfill(cases, buckets, effects, logger);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const listed = async (storeId?: string) =>
    (
      await readListingPage(
        {
          children: (parent) => buckets.children(parent),
          inBucket: (field, bucket) => cases.inBucket(field, bucket, storeId ? { storeId } : {}),
        },
        scopeOf(storeId),
        null,
        100,
      )
    ).items.map((c) => c._id);

  it('lists older cases again, newest first, and runs once per database', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (
          await receive.execute(
            {
              channel: 'store',
              category: 'service',
              severity: 'low',
              storeId: 'S001',
              description: `Case ${i} from before the buckets`,
              idempotencyKey: randomUUID(),
            } as ReceiveComplaintCommand,
            clerk,
          )
        ).id,
      );
    expect(await listed('S001')).toEqual([...ids].reverse());
    // As a case projected before the buckets existed: no keys, no markers.
    await cases.collection.updateMany({}, { $unset: { storeBucket: '', chainBucket: '' } });
    await buckets.collection.deleteMany({});
    expect(await listed('S001')).toEqual([]);

    expect(await backfill.runOnce()).toBe(3);
    expect(await listed('S001')).toEqual([...ids].reverse());
    expect(await listed()).toEqual([...ids].reverse());
    expect(await cases.collection.countDocuments({ storeBucket: { $exists: false } })).toBe(0);
    // Recorded: the next start-up does not scan again.
    await cases.collection.updateMany({}, { $unset: { storeBucket: '' } });
    expect(await backfill.runOnce()).toBe(0);
  });
});
