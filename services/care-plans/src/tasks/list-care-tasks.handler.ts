import { Injectable } from '@nestjs/common';
import type { CareTaskPage, ListCareTasksRequest } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { CareTaskDocument } from './care-task.document';
import { toCareTaskView } from './care-task.mapper';
import { CareTasksRepository } from './care-tasks.repository';
import { isLive, listOf } from './worklist-buckets';
import { FIRST_PAGE_ROWS, pageFromFirstRows } from './worklist-first-page';
import { WorklistMarkers } from './worklist-markers.repository';
import { WorklistPageCache } from './worklist-page-cache';
import { BucketSizes, walkWorklist, type WorklistStore } from './worklist-walk';

/**
 * The worklist (`GET /care-tasks`), by due time then id, a page at a time. A store's open or
 * escalated tasks are walked a day, block or slot at a time (worklist-walk.ts): a page reads the
 * rows of the buckets it needs, however many tasks the store has. Everything else is one query of
 * the tasks by its equalities, sorted by the store, so it reads every task that matches: a
 * member's (a few hundred at the most), one person's (their live tasks, as many as they hold:
 * walking the store's buckets for a few of them would read far more), and listings that are not
 * live tasks (done or cancelled, every status, the whole chain's).
 *
 * A store's first page (no cursor, no assignee, up to FIRST_PAGE_ROWS - 1 tasks), the one staff
 * open most, is answered from the list's kept first rows when they stand (WorklistPageCache):
 * one document instead of the walk's buckets of tasks. Without them the walk reads the first
 * rows under a lease and keeps them for the next pages.
 */
@Injectable()
export class ListCareTasks {
  readonly store: WorklistStore;
  private readonly sizes = new BucketSizes();

  constructor(
    private readonly tasks: CareTasksRepository,
    private readonly markers: WorklistMarkers,
    private readonly pages: WorklistPageCache,
  ) {
    this.store = {
      children: (parent) => this.markers.children(parent),
      bucket: (key, assignee) => this.tasks.inBucket(key, assignee),
      retire: async (marker) => {
        await this.markers.retire(marker);
      },
    };
  }

  execute(request: ListCareTasksRequest, now = new Date()): Promise<CareTaskPage> {
    return inSpan('care.tasks.list', async () => {
      const limit = request.limit ?? 50;
      const [afterMs, afterId] = request.after?.split('~') ?? [];
      const after = afterId ? { dueAt: new Date(Number(afterMs)), id: afterId } : undefined;
      const dueBy = request.due ? new Date(request.due) : undefined;
      let found: CareTaskDocument[];
      const list =
        request.store && isLive(request.status) && !request.memberId && !request.assignee
          ? listOf(request.store, request.status)
          : undefined;
      if (list && !after && limit < FIRST_PAGE_ROWS) {
        const page = await this.firstPage(list, limit, dueBy, now);
        if (page) return page;
      }
      if (list)
        found = (
          await walkWorklist(this.store, this.sizes, {
            list,
            after,
            dueBy,
            need: limit + 1,
            now,
          })
        ).tasks;
      else
        found = await this.tasks.list(
          {
            memberId: request.memberId,
            storeId: request.store,
            assignee: request.assignee,
            status: request.status,
            dueBy,
            after,
          },
          limit + 1,
        );
      const page = found.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toCareTaskView),
        next: found.length > limit && last ? `${last.dueAt.getTime()}~${last._id}` : null,
      };
    });
  }

  /**
   * The first page from the list's kept rows, or (none standing) from the rows a walk reads under
   * the lease, kept for the next; null when the rows do not decide it (tasks due by a time past
   * them).
   */
  private async firstPage(
    list: string,
    limit: number,
    dueBy: Date | undefined,
    now: Date,
  ): Promise<CareTaskPage | null> {
    const kept = await this.pages.read(list, now);
    if (kept) return pageFromFirstRows(kept, { limit, dueBy });
    // The lease before the walk: a write to the list from here on drops it, so rows kept under
    // it hold every write that came before.
    const token = await this.pages.lease(list, now);
    if (!token) {
      // Another reader holds the lease and is walking: its rows, once kept, answer this one too.
      const filled = await this.pages.awaitFill(list);
      if (filled) return pageFromFirstRows(filled, { limit, dueBy });
    }
    const walked = await walkWorklist(this.store, this.sizes, { list, need: FIRST_PAGE_ROWS, now });
    const first = {
      rows: walked.tasks.map(toCareTaskView),
      complete: walked.tasks.length < FIRST_PAGE_ROWS,
    };
    if (token) await this.pages.fill(list, token, first);
    return pageFromFirstRows(first, { limit, dueBy });
  }
}
