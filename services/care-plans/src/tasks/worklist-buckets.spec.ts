import {
  BLOCKS_PER_DAY,
  blocksOfDay,
  endOf,
  inRange,
  isLive,
  listOf,
  markersFor,
  slotKey,
  SLOTS_PER_BLOCK,
  slotsOfBlock,
  startOf,
  worklistKeys,
} from './worklist-buckets';

const list = listOf('S001', 'open');

describe('worklist buckets', () => {
  it('puts a task in the half hour it is due (UTC), in its store and status list', () => {
    expect(slotKey(list, new Date('2026-12-05T09:29:59.999Z'))).toBe('S001|open|2026-12-05T09:00');
    expect(slotKey(list, new Date('2026-12-05T09:30:00.000Z'))).toBe('S001|open|2026-12-05T09:30');
    expect(slotKey(listOf('S002', 'escalated'), new Date('2026-12-31T23:59:00Z'))).toBe(
      'S002|escalated|2026-12-31T23:30',
    );
  });

  it('gives a task the keys of its day, two hours and half hour, the day the marker’s', () => {
    const dueAt = new Date('2026-12-05T23:45:00Z');
    expect(worklistKeys(list, dueAt)).toEqual([
      'S001|open|2026-12-05',
      'S001|open|2026-12-05T22',
      'S001|open|2026-12-05T23:30',
    ]);
    expect(worklistKeys(list, new Date('2026-12-05T09:59:59Z'))[1]).toBe('S001|open|2026-12-05T08');
    expect(worklistKeys(list, dueAt)[0]).toBe(markersFor(list, dueAt)[1]._id);
  });

  it('names the day and month markers of a task, each under its parent', () => {
    expect(markersFor(list, new Date('2026-12-05T09:45:00Z'))).toEqual([
      { _id: 'S001|open|2026-12', parent: 'S001|open' },
      { _id: 'S001|open|2026-12-05', parent: 'S001|open|2026-12' },
    ]);
  });

  it('cuts a day into blocks and a block into slots, in time order, each time in one of each', () => {
    const blocks = blocksOfDay('S001|open|2026-12-05');
    expect(blocks).toHaveLength(BLOCKS_PER_DAY);
    expect(blocks[0]).toBe('S001|open|2026-12-05T00');
    expect(blocks[BLOCKS_PER_DAY - 1]).toBe('S001|open|2026-12-05T22');
    expect(slotsOfBlock('S001|open|2026-12-05T08')).toEqual([
      'S001|open|2026-12-05T08:00',
      'S001|open|2026-12-05T08:30',
      'S001|open|2026-12-05T09:00',
      'S001|open|2026-12-05T09:30',
    ]);
    const slots = blocks.flatMap(slotsOfBlock);
    expect(slots).toHaveLength(BLOCKS_PER_DAY * SLOTS_PER_BLOCK);
    expect([...slots].sort()).toEqual(slots);
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const at = new Date(Date.parse('2026-12-05T00:00:00Z') + minute * 60_000);
      const [day, block, slot] = worklistKeys(list, at);
      expect(blocksOfDay(day)).toContain(block);
      expect(slotsOfBlock(block)).toContain(slot);
      expect(startOf(slot).getTime()).toBeLessThanOrEqual(at.getTime());
      expect(endOf(slot).getTime()).toBeGreaterThan(at.getTime());
    }
  });

  it('sorts keys of a list as their times, across days, months and years', () => {
    const times = ['2026-11-30T23:59:00Z', '2026-12-01T00:00:00Z', '2026-12-31T23:30:00Z'];
    const keys = [...times, '2027-01-01T00:00:00Z'].map((t) => slotKey(list, new Date(t)));
    expect([...keys].sort()).toEqual(keys);
  });

  it('knows when a slot, a block, a day and a month end, December into January too', () => {
    expect(endOf('S001|open|2026-12-05T09:30').toISOString()).toBe('2026-12-05T10:00:00.000Z');
    expect(startOf('S001|open|2026-12-05T22').toISOString()).toBe('2026-12-05T22:00:00.000Z');
    expect(endOf('S001|open|2026-12-05T22').toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(endOf('S001|open|2026-12-05').toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(endOf('S001|open|2026-11').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(endOf('S001|open|2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(endOf('S001|open|2028-02-28').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('tells whether a month, day, block or slot can hold tasks between two slots', () => {
    const from = 'S001|open|2026-12-05T09:30';
    const until = 'S001|open|2026-12-07T12:00';
    expect(inRange('S001|open|2026-11', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12', from, until)).toBe(true);
    expect(inRange('S001|open|2027-01', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-04', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-05', from, until)).toBe(true);
    expect(inRange('S001|open|2026-12-07', from, until)).toBe(true);
    expect(inRange('S001|open|2026-12-08', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-05T09:00', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-05T06', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-05T08', from, until)).toBe(true); // 08:00-10:00 holds 09:30
    expect(inRange('S001|open|2026-12-07T12', from, until)).toBe(true);
    expect(inRange('S001|open|2026-12-07T14', from, until)).toBe(false);
    expect(inRange('S001|open|2026-12-05T09:30', from, until)).toBe(true);
    expect(inRange('S001|open|2026-12-07T12:00', from, until)).toBe(true);
    expect(inRange('S001|open|2026-12-07T12:30', from, until)).toBe(false);
    expect(inRange('S001|open|2020-01-01', undefined, until)).toBe(true);
    expect(inRange('S001|open|2030-01-01', from)).toBe(true);
  });

  it('holds open and escalated tasks only', () => {
    expect(['open', 'escalated', 'done', 'cancelled', undefined].map(isLive)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
