import { careFigures, type TaskFigures } from './care-figures';

const at = (iso: string) => new Date(iso);
const now = at('2026-03-10T12:00:00+08:00');

describe('care figures', () => {
  const tasks: TaskFigures[] = [
    // Done the same store day as due, though hours later: on time.
    {
      storeId: 'S001',
      closedBy: 'E1',
      status: 'done',
      outcome: 'reached',
      dueAt: at('2026-03-01T09:00:00+08:00'),
      closedAt: at('2026-03-01T20:00:00+08:00'),
    },
    // Done the next day: late.
    {
      storeId: 'S001',
      closedBy: 'E1',
      status: 'done',
      outcome: 'not_reached',
      dueAt: at('2026-03-01T09:00:00+08:00'),
      closedAt: at('2026-03-02T08:00:00+08:00'),
    },
    // Open past due, escalated.
    {
      storeId: 'S001',
      assignee: 'E2',
      status: 'escalated',
      dueAt: at('2026-03-05T09:00:00+08:00'),
      escalatedAt: at('2026-03-06T10:00:00+08:00'),
    },
    // Open, not due yet.
    { storeId: 'S002', status: 'open', dueAt: at('2026-03-12T09:00:00+08:00') },
    { storeId: 'S002', status: 'cancelled', dueAt: at('2026-03-03T09:00:00+08:00') },
  ];

  it('by store', () => {
    expect(careFigures(tasks, 'store', now)).toEqual([
      {
        key: 'S001',
        tasks: 3,
        done: 2,
        doneOnTime: 1,
        overdue: 1,
        escalated: 1,
        cancelled: 0,
        outcomes: { reached: 1, not_reached: 1 },
      },
      {
        key: 'S002',
        tasks: 2,
        done: 0,
        doneOnTime: 0,
        overdue: 0,
        escalated: 0,
        cancelled: 1,
        outcomes: {},
      },
    ]);
  });

  it('by staff: who closed it, else the assignee, else "-"', () => {
    expect(
      careFigures(tasks, 'staff', now).map((r) => [r.key, r.tasks, r.done, r.overdue]),
    ).toEqual([
      ['-', 2, 0, 0],
      ['E1', 2, 2, 0],
      ['E2', 1, 0, 1],
    ]);
  });
});
