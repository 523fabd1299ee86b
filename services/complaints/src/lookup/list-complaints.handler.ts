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
import { CasesRepository } from '../cases/cases.repository';
import { ComplaintsConfig } from '../complaints.config';
import { workflowSettings } from './case-reader';
import { listedView } from './complaint-view.mapper';

const DEFAULT_LIMIT = 20;

/**
 * Cases newest first, a page at a time, from the projection. Store staff see their own store's
 * cases (a filter on another store is refused); the desk and admins every store's.
 */
@Injectable()
export class ListComplaints {
  constructor(
    private readonly cases: CasesRepository,
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
      const docs = await this.cases.list(
        {
          ...(request.status ? { status: request.status } : {}),
          ...(storeId ? { storeId } : {}),
          ...(request.category ? { category: request.category } : {}),
          ...(request.batch ? { batch: request.batch } : {}),
          ...(request.assignee ? { assignee: request.assignee } : {}),
          ...(request.breached ? { breached: request.breached === 'true' } : {}),
        },
        parseTimelineCursor(request.cursor),
        limit + 1,
      );
      const now = this.clock.now();
      const page = docs.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((doc) => listedView(doc, now, workflowSettings(this.config))),
        nextCursor:
          docs.length > limit && last
            ? timelineCursor({ at: last.receivedAt.toISOString(), id: last._id })
            : null,
      };
    });
  }
}
