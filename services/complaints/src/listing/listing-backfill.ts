import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { StartupJob } from '@crm/service-kit';
import { CaseEffects } from '../cases/case-effects';
import { CasesRepository } from '../cases/cases.repository';
import { markersOf } from './list-buckets';
import { ListBucketsRepository } from './list-buckets.repository';
import { KEYED_STATUSES, keyedBucketsOf, keyedMarkersOf } from './listing-keys';
import { ListingMarkers } from './listing-markers.cache';

const PASS = 'listing-buckets-v1';
const KEYED_PASS = 'listing-keyed-buckets-v1';

/**
 * Gives cases projected before the listing's buckets existed their bucket keys and markers, so
 * the listing still shows them: once per database, at start-up, in the background. Each case is
 * marked, then projected again from its versions by `CaseEffects` (the projection's own
 * check-and-retry against concurrent writers), never patched in place. Replicas starting
 * together may both run it: every part is idempotent (markers are insert-once, a projection is
 * rebuilt from the versions), so no replica needs to own it; the first to finish records it.
 * A second pass does the same for the keyed buckets (`listing-keys.ts`): cases of a keyed status
 * or with a missed target projected before them are projected again, which keys them.
 */
@Injectable()
export class ListingBackfill extends StartupJob {
  constructor(
    private readonly cases: CasesRepository,
    private readonly buckets: ListBucketsRepository,
    private readonly markers: ListingMarkers,
    private readonly effects: CaseEffects,
    protected readonly logger: PinoLogger,
  ) {
    super('listing backfill');
    logger.setContext(ListingBackfill.name);
  }

  /** Returns how many cases it gave buckets to (plain or keyed). */
  async runOnce(): Promise<number> {
    const plain = await this.plainBuckets();
    if (plain === null) return 0;
    const keyed = await this.keyedBuckets();
    return plain + (keyed ?? 0);
  }

  /** Null when stopped before the end. */
  private async plainBuckets(): Promise<number | null> {
    if (await this.buckets.isDone(PASS)) return 0;
    const old = await this.cases.withoutBuckets();
    for (const c of old) {
      if (this.stopping) return null;
      // Inserted even if this replica saw them: they may have been lost since.
      await this.markers.mark(markersOf(c.storeId, c.receivedAt));
      await this.effects.apply(c._id);
    }
    await this.buckets.markDone(PASS);
    if (old.length) this.logger.info({ cases: old.length }, 'listing buckets given to older cases');
    return old.length;
  }

  private async keyedBuckets(): Promise<number | null> {
    if (await this.buckets.isDone(KEYED_PASS)) return 0;
    const old = await this.cases.withoutKeyedBuckets(KEYED_STATUSES);
    for (const c of old) {
      if (this.stopping) return null;
      const keys = { status: c.status, breached: c.breached.length > 0 };
      await this.markers.mark(keyedMarkersOf(c.storeId, c.receivedAt, keys));
      await this.effects.apply(c._id);
      // A target recorded missed by the SLA scan, whatever the projection computes now.
      if (keys.breached)
        await this.cases.markBreached(
          c._id,
          c.storeId,
          c.breached[0]!,
          keyedBucketsOf(c.storeId, c.receivedAt, { breached: true }),
        );
    }
    await this.buckets.markDone(KEYED_PASS);
    if (old.length)
      this.logger.info({ cases: old.length }, 'keyed listing buckets given to older cases');
    return old.length;
  }
}
