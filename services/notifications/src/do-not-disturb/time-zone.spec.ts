import { quietWindow } from './quiet-hours';
import { isKnownTimeZone, offsetZoneName, quietUntilInZone, utcOffsetMinutesAt } from './time-zone';

const night = quietWindow('21:00', '08:00');

describe('member time zones', () => {
  it('reads fixed offsets and zone names', () => {
    const at = new Date('2026-11-22T12:00:00Z');
    expect(utcOffsetMinutesAt('UTC+8', at)).toBe(480);
    expect(utcOffsetMinutesAt('+05:30', at)).toBe(330);
    expect(utcOffsetMinutesAt('UTC-03:30', at)).toBe(-210);
    expect(utcOffsetMinutesAt('UTC', at)).toBe(0);
    expect(utcOffsetMinutesAt('Asia/Shanghai', at)).toBe(480);
    expect(utcOffsetMinutesAt('Europe/London', at)).toBe(0);
    expect(utcOffsetMinutesAt('Europe/London', new Date('2026-07-01T12:00:00Z'))).toBe(60);
    expect(offsetZoneName(480)).toBe('UTC+8');
    expect(offsetZoneName(-210)).toBe('UTC-3:30');
  });

  it('knows real zones and refuses made-up ones', () => {
    expect(isKnownTimeZone('Asia/Shanghai')).toBe(true);
    expect(isKnownTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
    expect(isKnownTimeZone('UTC+8')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isKnownTimeZone('UTC+15')).toBe(false);
  });

  it('defers to the end of the member’s own night, across midnight', () => {
    // 22:30 in Shanghai (14:30Z) → 08:00 Shanghai on the next day = 00:00Z
    expect(quietUntilInZone(new Date('2026-11-22T14:30:00Z'), night, 'Asia/Shanghai')).toEqual(
      new Date('2026-11-23T00:00:00Z'),
    );
    // the same instant is 14:30 in London: no quiet hours
    expect(quietUntilInZone(new Date('2026-11-22T14:30:00Z'), night, 'Europe/London')).toBeNull();
    // 01:00 in UTC-03:30 (04:30Z) → 08:00 there = 11:30Z
    expect(quietUntilInZone(new Date('2026-11-22T04:30:00Z'), night, 'UTC-03:30')).toEqual(
      new Date('2026-11-22T11:30:00Z'),
    );
  });

  it('keeps the wall-clock end across a daylight-saving change', () => {
    // London, night of 28→29 March 2026: clocks go 01:00 GMT → 02:00 BST.
    // 23:00 GMT on the 28th → 08:00 BST on the 29th = 07:00Z
    expect(quietUntilInZone(new Date('2026-03-28T23:00:00Z'), night, 'Europe/London')).toEqual(
      new Date('2026-03-29T07:00:00Z'),
    );
  });
});
