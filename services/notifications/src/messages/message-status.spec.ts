import { statusFromEvents } from './message-status';

const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, s));

describe('status from provider events', () => {
  it('applies events in order of occurrence, not of arrival', () => {
    expect(
      statusFromEvents([
        { status: 'failed', occurredAt: at(30) },
        { status: 'delivered', occurredAt: at(10) },
      ]),
    ).toEqual({
      status: 'failed',
      at: at(30),
    });
    expect(
      statusFromEvents([
        { status: 'replied', occurredAt: at(50) },
        { status: 'accepted', occurredAt: at(1) },
      ])!.status,
    ).toBe('replied');
  });

  it('takes the later step among events of one instant, and nothing from no events', () => {
    expect(
      statusFromEvents([
        { status: 'delivered', occurredAt: at(5) },
        { status: 'accepted', occurredAt: at(5) },
      ])!.status,
    ).toBe('delivered');
    expect(statusFromEvents([])).toBeNull();
  });
});
