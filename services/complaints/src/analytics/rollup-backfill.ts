import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { StartupJob } from '@crm/service-kit';
import { CasesRepository } from '../cases/cases.repository';
import { bucketsOf } from '../listing/list-buckets';
import { AnalyticsRollupsRepository, type RollupMark } from './analytics-rollups.repository';
import { JobRoundsRepository } from '../jobs/job-rounds.repository';
import { SalesRepository } from './sales.repository';

const PASS = 'analytics-rollups-v1';
const MARKS_AT_ONCE = 1000;

/**
 * Marks every store-day with cases or sales from before the roll-ups existed, so the fold
 * rolls them up: once per database, at start-up, in the background (two scans). Replicas
 * starting together may both run it: marks are insert-once and folds recount, so no replica
 * needs to own it; the first to finish records it. Until the fold has caught up, answers read
 * the store-days still marked from their cases (at most 5,000 of them per answer).
 */
@Injectable()
export class RollupBackfill extends StartupJob {
  constructor(
    private readonly cases: CasesRepository,
    private readonly sales: SalesRepository,
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly passes: JobRoundsRepository,
    protected readonly logger: PinoLogger,
  ) {
    super('analysis backfill');
    logger.setContext(RollupBackfill.name);
  }

  /** Returns how many store-days it marked. */
  async runOnce(): Promise<number> {
    if (await this.passes.isDone(PASS)) return 0;
    const caseDays = new Set(
      (await this.cases.everyReceipt()).map((c) => bucketsOf(c.storeId, c.receivedAt).storeBucket),
    );
    const marks: Omit<RollupMark, 'at'>[] = [
      ...[...caseDays].map((storeDay) => ({
        _id: `backfill:cases:${storeDay}`,
        kind: 'cases' as const,
        storeDay,
      })),
      ...(await this.sales.keyEveryStoreDay()).map((storeDay) => ({
        _id: `backfill:sales:${storeDay}`,
        kind: 'sales' as const,
        storeDay,
      })),
    ];
    for (let i = 0; i < marks.length; i += MARKS_AT_ONCE)
      await this.rollups.mark(marks.slice(i, i + MARKS_AT_ONCE));
    await this.passes.markDone(PASS);
    if (marks.length)
      this.logger.info({ storeDays: marks.length }, 'older cases and sales marked for analysis');
    return marks.length;
  }
}
