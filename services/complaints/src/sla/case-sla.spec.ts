import { foldVersions } from '../cases/case-state';
import type { CaseVersion } from '../cases/case-version';
import { caseSla, missedTargets } from './case-sla';
import { escalationLevel } from './escalation';
import { calendarOf, DEFAULT_SLA_SETTINGS } from './sla-policy';

const at = (local: string) => new Date(`${local}+08:00`);
// Thursday 3 Dec 2026, 17:00 China time: a high-severity hotline complaint (2 h / 16 h targets).
const received = at('2026-12-03T17:00:00');
const intake: CaseVersion = {
  _id: 'CX:v1',
  caseId: 'CX',
  version: 1,
  action: 'receive',
  actor: { staffId: 'E1', role: 'desk_agent', storeId: null },
  at: received,
  note: null,
  before: null,
  after: 'accepted',
  memberId: null,
  intake: {
    memberId: null,
    channel: 'hotline',
    category: 'service',
    severity: 'high',
    storeId: 'S001',
    description: 'rude',
    idempotencyKey: 'k-000001',
  },
  change: {},
};
const step = (
  version: number,
  action: CaseVersion['action'],
  when: Date,
  after: CaseVersion['after'],
) =>
  ({
    ...intake,
    _id: `CX:v${version}`,
    version,
    action,
    at: when,
    after,
    intake: undefined,
  }) as CaseVersion;

describe('a case on the hotline calendar', () => {
  it('is due in business hours of the hotline, not the clock', () => {
    const sla = caseSla(foldVersions([intake]), DEFAULT_SLA_SETTINGS);
    // 1 h on Thursday (to 18:00), 1 h on Friday from 09:00.
    expect(sla.firstResponseDueAt).toEqual(at('2026-12-04T10:00:00'));
    // 16 h: 1 Thu + 9 Fri + 3 Sat (09–12) + 3 Mon → Monday 12:00.
    expect(sla.resolutionDueAt).toEqual(at('2026-12-07T12:00:00'));
  });

  it('pauses while waiting for the member, and a reopen gets a fresh resolution target', () => {
    const waiting = foldVersions([
      intake,
      step(2, 'investigate', at('2026-12-03T17:30:00'), 'investigating'),
      step(3, 'await_member', at('2026-12-03T17:45:00'), 'investigating'),
    ]);
    expect(caseSla(waiting, DEFAULT_SLA_SETTINGS)).toMatchObject({
      resolutionDueAt: null,
      paused: true,
    });
    const reopened = foldVersions([
      intake,
      step(2, 'resolve', at('2026-12-03T17:30:00'), 'resolved'),
      step(3, 'reopen', at('2026-12-08T09:00:00'), 'investigating'),
    ]);
    // Tuesday 09:00 + 16 h: 9 Tue + 7 Wed → Wednesday 16:00.
    expect(caseSla(reopened, DEFAULT_SLA_SETTINGS).resolutionDueAt).toEqual(
      at('2026-12-09T16:00:00'),
    );
  });

  it('names the targets missed', () => {
    const state = foldVersions([intake]);
    const sla = caseSla(state, DEFAULT_SLA_SETTINGS);
    expect(missedTargets(state, sla, at('2026-12-04T09:59:00'))).toEqual([]);
    expect(missedTargets(state, sla, at('2026-12-04T10:01:00'))).toEqual(['firstResponse']);
    expect(missedTargets(state, sla, at('2026-12-07T12:01:00'))).toEqual([
      'firstResponse',
      'resolution',
    ]);
  });
});

describe('escalation of a missed target', () => {
  it('climbs store manager → region → HQ a target length of business time apart', () => {
    const calendar = calendarOf(DEFAULT_SLA_SETTINGS, 'hotline', 'S001');
    const due = at('2026-12-04T10:00:00');
    expect(escalationLevel(due, 120, calendar, [], at('2026-12-04T09:00:00'))).toBe(0);
    expect(escalationLevel(due, 120, calendar, [], at('2026-12-04T10:00:00'))).toBe(1);
    expect(escalationLevel(due, 120, calendar, [], at('2026-12-04T12:00:00'))).toBe(2);
    // Friday 14:00 is the third level; overnight and the weekend do not count.
    expect(escalationLevel(due, 120, calendar, [], at('2026-12-04T13:59:00'))).toBe(2);
    expect(escalationLevel(due, 120, calendar, [], at('2026-12-06T23:00:00'))).toBe(3);
  });
});
