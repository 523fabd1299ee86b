import { Injectable } from '@nestjs/common';
import {
  AppError,
  type ComplaintList,
  ErrorCode,
  type ListComplaintsRequest,
  parseTimelineCursor,
  timelineCursor,
} from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { isChainWide } from '../access/case-access';
import { ComplaintsClock } from '../clock/complaints-clock';
import { type CaseFilters, CasesRepository } from '../cases/cases.repository';
import { listingScopeOf } from '../listing/listing-keys';
import { ListingMarkers } from '../listing/listing-markers.cache';
import { readListingPage } from '../listing/listing-page';
import { ListingPageCache } from '../listing/listing-page.cache';
import { ComplaintsConfig } from '../complaints.config';
import { workflowSettings } from './case-reader';
import { listedView } from './complaint-view.mapper';

const DEFAULT_LIMIT = 20;

/**
 * Cases newest first, a page at a time, from the projection, read bucket by bucket
 * (`listing/listing-page.ts`): one store's days when a store is named, else the chain's hours;
 * for an open status or a missed target, that key's own tree (`listing/listing-keys.ts`). The
 * other filters are applied within each bucket. A first page is kept while its listing does not
 * change (`listing/listing-page.cache.ts`). Store staff see their own store's
 * cases (a filter on another store is refused); the desk and admins every store's.
 */
@Injectable()
export class ListComplaints {
  constructor(
    private readonly cases: CasesRepository,
    private readonly markers: ListingMarkers,
    private readonly firstPages: ListingPageCache,
    private readonly config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
  ) {}

  execute(request: ListComplaintsRequest, actor: RpcActor | undefined): Promise<ComplaintList> {
    return inSpan('complaints.list', async () => {
      let storeId = request.store;
      if (!isChainWide(actor)) {
        if (!actor?.storeId || (storeId && storeId !== actor.storeId))
          throw new AppError(
            ErrorCode.ACCESS_OTHER_STORE,
            `Store staff list their own store's complaints only (you act for ${actor?.storeId ?? 'no store'})`,
            [
              {
                field: 'store',
                reasons: [`must be ${actor?.storeId ?? 'your store'} or left out`],
              },
            ],
          );
        storeId = actor.storeId;
      }
      const limit = request.limit ?? DEFAULT_LIMIT;
      const filters: CaseFilters = {
        ...(request.status ? { status: request.status } : {}),
        ...(storeId ? { storeId } : {}),
        ...(request.category ? { category: request.category } : {}),
        ...(request.batch ? { batch: request.batch } : {}),
        ...(request.assignee ? { assignee: request.assignee } : {}),
        ...(request.breached ? { breached: request.breached === 'true' } : {}),
      };
      const after = parseTimelineCursor(request.cursor);
      const walk = async () =>
        readListingPage(
          {
            children: await this.markers.tree(),
            inBucket: (field, bucket) => this.cases.inBucket(field, bucket, filters),
          },
          listingScopeOf(storeId, filters),
          after,
          limit,
        );
      const page = after
        ? await walk()
        : await this.firstPages.firstPage(filters.storeId, JSON.stringify([filters, limit]), walk);
      const now = this.clock.now();
      return {
        items: page.items.map((doc) => listedView(doc, now, workflowSettings(this.config))),
        // The same opaque form as before; an empty id marks a stop between buckets.
        nextCursor: page.next
          ? timelineCursor({ at: page.next.at.toISOString(), id: page.next.id })
          : null,
      };
    });
  }
}
