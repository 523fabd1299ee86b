import type { CareAnalyticsBy, CareAnalyticsRow, CareTaskOutcome } from '@crm/contracts';
import type { CareTaskDocument } from '../tasks/care-task.document';
import { doneOnTime } from '../tasks/on-time';

export type TaskFigures = Pick<
  CareTaskDocument,
  'storeId' | 'assignee' | 'closedBy' | 'status' | 'dueAt' | 'closedAt' | 'outcome' | 'escalatedAt'
>;

/**
 * Per store or per staff member: tasks due in the period, done, done on time (by the end of the
 * due day), overdue (still open or escalated past their due time), escalated, cancelled, and
 * the outcomes of the done ones. A task counts for whoever closed it, else its assignee ("-").
 */
export function careFigures(
  tasks: Iterable<TaskFigures>,
  by: CareAnalyticsBy,
  now: Date,
): CareAnalyticsRow[] {
  const rows = new Map<string, CareAnalyticsRow>();
  for (const task of tasks) {
    const key = by === 'store' ? task.storeId : (task.closedBy ?? task.assignee ?? '-');
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        tasks: 0,
        done: 0,
        doneOnTime: 0,
        overdue: 0,
        escalated: 0,
        cancelled: 0,
        outcomes: {},
      };
      rows.set(key, row);
    }
    row.tasks++;
    if (task.escalatedAt) row.escalated++;
    if (task.status === 'done') {
      row.done++;
      if (task.closedAt && doneOnTime(task.dueAt, task.closedAt)) row.doneOnTime++;
      const outcome: CareTaskOutcome = task.outcome ?? 'other';
      row.outcomes[outcome] = (row.outcomes[outcome] ?? 0) + 1;
    } else if (task.status === 'cancelled') row.cancelled++;
    else if (task.dueAt.getTime() < now.getTime()) row.overdue++;
  }
  return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
}
