import { quietUntil, quietWindow } from './quiet-hours';

const CHINA = 480;
const night = quietWindow('21:00', '08:00');

describe('quiet hours', () => {
  it('lets a message go outside the window', () => {
    expect(quietUntil(new Date('2026-11-22T02:00:00Z'), night, CHINA)).toBeNull(); // 10:00 local
    expect(quietUntil(new Date('2026-11-22T12:59:00Z'), night, CHINA)).toBeNull(); // 20:59 local
    expect(quietUntil(new Date('2026-11-22T00:00:00Z'), night, CHINA)).toBeNull(); // 08:00 local: ended
  });

  it('defers an evening message to the next local morning, across midnight', () => {
    // 21:00 local on the 22nd → 08:00 local on the 23rd (00:00Z)
    expect(quietUntil(new Date('2026-11-22T13:00:00Z'), night, CHINA)).toEqual(
      new Date('2026-11-23T00:00:00Z'),
    );
    // 23:30 local
    expect(quietUntil(new Date('2026-11-22T15:30:00Z'), night, CHINA)).toEqual(
      new Date('2026-11-23T00:00:00Z'),
    );
  });

  it('defers an early-morning message to the same local morning', () => {
    // 02:00 local on the 23rd (18:00Z on the 22nd) → 08:00 local on the 23rd
    expect(quietUntil(new Date('2026-11-22T18:00:00Z'), night, CHINA)).toEqual(
      new Date('2026-11-23T00:00:00Z'),
    );
    // 07:59 local
    expect(quietUntil(new Date('2026-11-22T23:59:00Z'), night, CHINA)).toEqual(
      new Date('2026-11-23T00:00:00Z'),
    );
  });

  it('reads the window in the member’s own time zone', () => {
    const at = new Date('2026-11-22T13:30:00Z');
    expect(quietUntil(at, night, CHINA)).not.toBeNull(); // 21:30 in Shanghai
    expect(quietUntil(at, night, 0)).toBeNull(); // 13:30 in London
    // 22:30 in Tokyo (UTC+9) → 08:00 Tokyo = 23:00Z
    expect(quietUntil(at, night, 540)).toEqual(new Date('2026-11-22T23:00:00Z'));
    // West of UTC: 21:30 in New York (UTC−5) on the 21st → 08:00 there on the 22nd
    expect(quietUntil(new Date('2026-11-22T02:30:00Z'), night, -300)).toEqual(
      new Date('2026-11-22T13:00:00Z'),
    );
  });

  it('handles a window that does not cross midnight, and no window', () => {
    const lunch = quietWindow('12:00', '13:30');
    expect(quietUntil(new Date('2026-11-22T04:15:00Z'), lunch, CHINA)).toEqual(
      new Date('2026-11-22T05:30:00Z'),
    );
    expect(quietUntil(new Date('2026-11-22T05:30:00Z'), lunch, CHINA)).toBeNull();
    expect(
      quietUntil(new Date('2026-11-22T15:00:00Z'), quietWindow('08:00', '08:00'), CHINA),
    ).toBeNull();
  });
});
