import { earliestByList } from './worklist-page-cache';

describe('earliestByList', () => {
  const at = (day: number) => new Date(Date.UTC(2026, 11, day));

  it('drops each list once, at its earliest change', () => {
    const changes = [
      { list: 'S001|open', dueAt: at(9) },
      { list: 'S001|escalated', dueAt: at(9) },
      { list: 'S001|open', dueAt: at(3) },
      { list: 'S001|open', dueAt: at(5) },
    ];
    expect(earliestByList(changes)).toEqual(
      new Map([
        ['S001|open', at(3)],
        ['S001|escalated', at(9)],
      ]),
    );
  });

  it('drops a list whatever its kept rows end at when one change names no due time', () => {
    const changes = [
      { list: 'S002|open', dueAt: at(3) },
      { list: 'S002|open' },
      { list: 'S002|open', dueAt: at(1) },
    ];
    expect(earliestByList(changes)).toEqual(new Map([['S002|open', undefined]]));
  });
});
