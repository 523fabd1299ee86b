import { scopeOf } from './list-buckets';
import { keyedBucketsOf, keyedMarkersOf, listingScopeOf } from './listing-keys';

describe('keyed listing trees', () => {
  const at = new Date('2026-11-30T14:25:00.000Z');

  it('walks an open status or a missed target by its own tree: a store by month, the chain by day', () => {
    expect(listingScopeOf('S008', { status: 'investigating' })).toEqual({
      root: 'S008~investigating',
      field: 'storeStatusBucket',
      depth: 1,
    });
    expect(listingScopeOf(undefined, { status: 'accepted', breached: true })).toEqual({
      root: '*~accepted',
      field: 'chainStatusBucket',
      depth: 2,
    });
    expect(listingScopeOf('S008', { breached: true })).toEqual({
      root: 'S008~breached',
      field: 'storeBreachedBucket',
      depth: 1,
    });
    expect(listingScopeOf(undefined, { status: 'closed', breached: true }).root).toBe('*~breached');
  });

  it('walks the plain tree for closed cases and when no filter has a key', () => {
    expect(listingScopeOf('S008', { status: 'closed' })).toEqual(scopeOf('S008'));
    expect(listingScopeOf(undefined, { breached: false })).toEqual(scopeOf(undefined));
    expect(listingScopeOf(undefined, {})).toEqual(scopeOf(undefined));
  });

  it('keys a case by its status, clearing the status keys when it is closed', () => {
    expect(keyedBucketsOf('S008', at, { status: 'investigating', breached: false })).toEqual({
      storeStatusBucket: 'S008~investigating|2026-11',
      chainStatusBucket: '*~investigating|2026-11-30',
    });
    expect(keyedBucketsOf('S008', at, { status: 'closed', breached: false })).toEqual({
      storeStatusBucket: null,
      chainStatusBucket: null,
    });
  });

  it('keys a missed target, never clearing it (breaches are only added)', () => {
    expect(keyedBucketsOf('S008', at, { status: 'closed', breached: true })).toEqual({
      storeStatusBucket: null,
      chainStatusBucket: null,
      storeBreachedBucket: 'S008~breached|2026-11',
      chainBreachedBucket: '*~breached|2026-11-30',
    });
    expect(keyedBucketsOf('S008', at, { breached: true })).toMatchObject({
      storeBreachedBucket: 'S008~breached|2026-11',
    });
  });

  it("marks each level of a case's keyed trees under its parent", () => {
    expect(keyedMarkersOf('S008', at, { status: 'accepted', breached: true })).toEqual([
      { _id: 'S008~accepted|2026-11', parent: 'S008~accepted' },
      { _id: '*~accepted|2026-11', parent: '*~accepted' },
      { _id: '*~accepted|2026-11-30', parent: '*~accepted|2026-11' },
      { _id: 'S008~breached|2026-11', parent: 'S008~breached' },
      { _id: '*~breached|2026-11', parent: '*~breached' },
      { _id: '*~breached|2026-11-30', parent: '*~breached|2026-11' },
    ]);
    expect(keyedMarkersOf('S008', at, { status: 'closed', breached: false })).toEqual([]);
  });
});
