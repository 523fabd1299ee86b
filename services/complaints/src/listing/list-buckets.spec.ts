import { bucketStart, bucketsOf, markersOf, pathOf, scopeOf } from './list-buckets';

describe('listing buckets', () => {
  const at = new Date('2026-11-30T14:25:00.000Z');

  it("keys a case by its store's UTC day and the chain's UTC hour", () => {
    expect(bucketsOf('S008', at)).toEqual({
      storeBucket: 'S008|2026-11-30',
      chainBucket: '*|2026-11-30T14',
    });
  });

  it('marks each level of both trees under its parent', () => {
    expect(markersOf('S008', at)).toEqual([
      { _id: 'S008|2026-11', parent: 'S008' },
      { _id: 'S008|2026-11-30', parent: 'S008|2026-11' },
      { _id: '*|2026-11', parent: '*' },
      { _id: '*|2026-11-30', parent: '*|2026-11' },
      { _id: '*|2026-11-30T14', parent: '*|2026-11-30' },
    ]);
  });

  it('walks a store by day and the chain by hour', () => {
    expect(scopeOf('S001')).toEqual({ root: 'S001', field: 'storeBucket', depth: 2 });
    expect(scopeOf(undefined)).toEqual({ root: '*', field: 'chainBucket', depth: 3 });
    expect(pathOf('*', at, 3)).toEqual(['*|2026-11', '*|2026-11-30', '*|2026-11-30T14']);
  });

  it('gives the first instant a key covers, at every level', () => {
    expect(bucketStart('S008|2026-11').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(bucketStart('S008|2026-11-30').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(bucketStart('*|2026-11-30T14').toISOString()).toBe('2026-11-30T14:00:00.000Z');
  });
});
