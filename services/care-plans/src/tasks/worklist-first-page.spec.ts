import type { CareTaskView } from '@crm/contracts';
import { firstRowsUntil, nextAfter, pageFromFirstRows } from './worklist-first-page';

const start = Date.parse('2026-12-05T08:00:00Z');

/** `n` rows a minute apart, the way a list's first rows come out of the walk. */
function rows(n: number): CareTaskView[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `followup:T${String(i).padStart(3, '0')}:d7`,
    memberId: 'a'.repeat(24),
    kind: 'call',
    priority: 'normal',
    dueAt: new Date(start + i * 60_000).toISOString(),
    status: 'open',
    cause: { type: 'followup', transactionId: `T${i}`, day: 7 },
    assigneeRole: 'store',
    storeId: 'S001',
    createdAt: new Date(start).toISOString(),
  }));
}

describe('pageFromFirstRows', () => {
  it('answers a page and its next from rows holding the page and one more', () => {
    const first = { rows: rows(51), complete: false };
    const page = pageFromFirstRows(first, { limit: 50 })!;
    expect(page.items).toEqual(first.rows.slice(0, 50));
    expect(page.next).toBe(`${start + 49 * 60_000}~${first.rows[49]!.id}`);
    expect(pageFromFirstRows(first, { limit: 10 })!.items).toHaveLength(10);
  });

  it('does not answer a page the rows cannot hold with the one after it', () => {
    expect(pageFromFirstRows({ rows: rows(51), complete: false }, { limit: 51 })).toBeNull();
    expect(pageFromFirstRows({ rows: rows(30), complete: false }, { limit: 30 })).toBeNull();
  });

  it('answers a short list whole, without a next', () => {
    const first = { rows: rows(7), complete: true };
    expect(pageFromFirstRows(first, { limit: 50 })).toEqual({ items: first.rows, next: null });
    expect(pageFromFirstRows({ rows: [], complete: true }, { limit: 50 })).toEqual({
      items: [],
      next: null,
    });
  });

  it('answers tasks due by a time when a row due after it is among the rows', () => {
    const first = { rows: rows(51), complete: false };
    const dueBy = new Date(start + 20 * 60_000); // rows 0 to 20
    expect(pageFromFirstRows(first, { limit: 50, dueBy })).toEqual({
      items: first.rows.slice(0, 21),
      next: null,
    });
    const page = pageFromFirstRows(first, { limit: 10, dueBy })!;
    expect(page.items).toEqual(first.rows.slice(0, 10));
    expect(page.next).toBe(nextAfter(first.rows[9]!));
  });

  it('leaves tasks due by a time past the rows to the walk', () => {
    const dueBy = new Date(start + 500 * 60_000);
    expect(pageFromFirstRows({ rows: rows(51), complete: false }, { limit: 50, dueBy })).toEqual({
      items: rows(50),
      next: nextAfter(rows(50)[49]!),
    });
    expect(pageFromFirstRows({ rows: rows(40), complete: false }, { limit: 50, dueBy })).toBeNull();
    expect(pageFromFirstRows({ rows: rows(40), complete: true }, { limit: 50, dueBy })).toEqual({
      items: rows(40),
      next: null,
    });
  });
});

describe('firstRowsUntil', () => {
  it('is the last row due time, none when the list ended in the rows', () => {
    expect(firstRowsUntil({ rows: rows(51), complete: false })).toEqual(
      new Date(start + 50 * 60_000),
    );
    expect(firstRowsUntil({ rows: rows(3), complete: true })).toBeUndefined();
    expect(firstRowsUntil({ rows: [], complete: true })).toBeUndefined();
  });
});
