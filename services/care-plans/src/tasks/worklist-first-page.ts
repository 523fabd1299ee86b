import type { CareTaskPage, CareTaskView } from '@crm/contracts';

/**
 * How many of a list's first tasks a kept first page holds: a page of the default 50 and one
 * more, to know whether there is a next.
 */
export const FIRST_PAGE_ROWS = 51;

/** A list's first tasks (up to FIRST_PAGE_ROWS) as they are answered, by due time then id. */
export interface FirstPage {
  rows: CareTaskView[];
  /** The list held no more than these rows when they were read. */
  complete: boolean;
}

export interface FirstPageRequest {
  limit: number;
  /** Tasks due at or before this. */
  dueBy?: Date;
}

/** The cursor of the next page after `last` (ListCareTasks' `after`: due ms, then id). */
export function nextAfter(last: { id: string; dueAt: string }): string {
  return `${Date.parse(last.dueAt)}~${last.id}`;
}

/**
 * The first page of a request from a list's first rows, or null when they do not decide it: the
 * same tasks the walk finds, as long as the rows hold the page and one more (or the list ends in
 * them, or the first row due after `dueBy` is among them).
 */
export function pageFromFirstRows(
  first: FirstPage,
  request: FirstPageRequest,
): CareTaskPage | null {
  const { limit, dueBy } = request;
  const dueLimit = dueBy?.getTime() ?? Infinity;
  const ends = first.rows.findIndex((row) => Date.parse(row.dueAt) > dueLimit);
  const matching = ends === -1 ? first.rows : first.rows.slice(0, ends);
  const decided = first.complete || ends !== -1 || matching.length > limit;
  if (!decided) return null;
  const items = matching.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: matching.length > limit && last ? nextAfter(last) : null };
}

/**
 * The last due time a write can change the first rows at: a task due later sits after them (a
 * tie may sort before the last by id, so it counts). None when the list ended in them: any
 * task added would join them.
 */
export function firstRowsUntil(first: FirstPage): Date | undefined {
  const last = first.rows[first.rows.length - 1];
  if (first.complete || !last) return undefined;
  return new Date(last.dueAt);
}
