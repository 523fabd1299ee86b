import { parseTimelineCursor, timelineCursor } from './member-timeline.dto';

describe('timeline cursor', () => {
  it('carries the last item’s time and id to the next page', () => {
    const cursor = timelineCursor({ at: '2026-12-05T08:00:00.000Z', id: 'case-7:v2' });
    expect(parseTimelineCursor(cursor)).toEqual({
      at: new Date('2026-12-05T08:00:00.000Z'),
      id: 'case-7:v2',
    });
  });

  it('reads no cursor, or a malformed one, as the first page', () => {
    expect(parseTimelineCursor(undefined)).toBeNull();
    expect(parseTimelineCursor('yesterday:x')).toBeNull();
    expect(parseTimelineCursor(':x')).toBeNull();
  });
});
