import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';
import { CareTasksRepository } from './care-tasks.repository';
import type { BucketMarker } from './worklist-buckets';
import { RECHECK_AFTER_MS, WorklistMarkers } from './worklist-markers.repository';

/**
 * Looks again at the worklist markers retired RECHECK_AFTER_MS ago (WorklistMarkers.retire): a
 * day that has a live task after all (one inserted while a process still took the marker to be
 * there) and a month that has a day again get their markers back; then the record goes. Every
 * replica runs it: putting a marker back and forgetting a record are the same however often.
 */
@Injectable()
export class WorklistRechecks extends PeriodicJob {
  constructor(
    config: CarePlansConfig,
    private readonly tasks: CareTasksRepository,
    private readonly markers: WorklistMarkers,
    protected readonly logger: PinoLogger,
  ) {
    super(config.CARE_WORKLIST_RECHECK_EVERY_MS, 'looking again at retired worklist days');
    logger.setContext(WorklistRechecks.name);
  }

  protected async runRound(): Promise<void> {
    await this.runOnce(new Date());
  }

  /** One round; answers the markers put back. */
  async runOnce(now: Date): Promise<number> {
    let restored = 0;
    const due = await this.markers.retiredBefore(new Date(now.getTime() - RECHECK_AFTER_MS));
    for (const retirement of due) {
      if (await this.stillHolds(retirement)) {
        await this.markers.insert(withAncestors(retirement));
        restored++;
      }
      await this.markers.forget(retirement);
    }
    return restored;
  }

  /** Whether a retired day has a live task, or a retired month a day. */
  private async stillHolds(marker: BucketMarker): Promise<boolean> {
    if (isMonth(marker)) return (await this.markers.children(marker._id)).length > 0;
    return (await this.tasks.inBucket(marker._id)).length > 0;
  }
}

function isMonth(marker: BucketMarker): boolean {
  return marker._id.slice(marker._id.lastIndexOf('|') + 1).length === 7;
}

/** A day goes back with its month (which may have been retired after it); a month alone. */
function withAncestors(marker: BucketMarker): BucketMarker[] {
  if (isMonth(marker)) return [{ _id: marker._id, parent: marker.parent }];
  const list = marker.parent.slice(0, marker.parent.lastIndexOf('|'));
  return [
    { _id: marker.parent, parent: list },
    { _id: marker._id, parent: marker.parent },
  ];
}
