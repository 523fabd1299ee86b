import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { StartupJob } from '@crm/service-kit';
import { CaseEffects } from '../cases/case-effects';
import { CasesRepository } from '../cases/cases.repository';
import { markersOf } from './list-buckets';
import { ListBucketsRepository } from './list-buckets.repository';

const PASS = 'listing-buckets-v1';

/**
 * Gives cases projected before the listing's buckets existed their bucket keys and markers, so
 * the listing still shows them: once per database, at start-up, in the background. Each case is
 * marked, then projected again from its versions by `CaseEffects` (the projection's own
 * check-and-retry against concurrent writers), never patched in place. Replicas starting
 * together may both run it: every part is idempotent (markers are insert-once, a projection is
 * rebuilt from the versions), so no replica needs to own it; the first to finish records it.
 */
@Injectable()
export class ListingBackfill extends StartupJob {
  constructor(
    private readonly cases: CasesRepository,
    private readonly buckets: ListBucketsRepository,
    private readonly effects: CaseEffects,
    protected readonly logger: PinoLogger,
  ) {
    super('listing backfill');
    logger.setContext(ListingBackfill.name);
  }

  /** Returns how many cases it gave buckets to. */
  async runOnce(): Promise<number> {
    if (await this.buckets.isDone(PASS)) return 0;
    const old = await this.cases.withoutBuckets();
    for (const c of old) {
      if (this.stopping) return 0;
      await this.buckets.mark(markersOf(c.storeId, c.receivedAt));
      await this.effects.apply(c._id);
    }
    await this.buckets.markDone(PASS);
    if (old.length) this.logger.info({ cases: old.length }, 'listing buckets given to older cases');
    return old.length;
  }
}
