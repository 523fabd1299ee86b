import { ErrorCode } from '@crm/contracts';
import { type CaseState, foldVersions } from './case-state';
import type { CaseVersion } from './case-version';
import { allowedActions, compensationFor, decideStep } from './complaint-workflow';

const DAY = 86_400_000;
const settings = { reopenWindowMs: 30 * DAY };
const t0 = new Date('2026-12-03T02:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const intake: CaseVersion = {
  _id: 'CABC:v1',
  caseId: 'CABC',
  version: 1,
  action: 'receive',
  actor: { staffId: 'E1', role: 'store_clerk', storeId: 'S001' },
  at: t0,
  note: null,
  before: null,
  after: 'accepted',
  memberId: 'm1',
  intake: {
    memberId: 'm1',
    channel: 'store',
    category: 'quality',
    severity: 'high',
    storeId: 'S001',
    description: 'crushed capsules',
    idempotencyKey: 'key-0001',
  },
  change: {},
};

/** The case after the given actions, each a minute apart, as the handler would insert them. */
function caseAfter(...actions: [CaseVersion['action'], Record<string, unknown>?][]): CaseState {
  const steps = [intake];
  let state = foldVersions(steps);
  actions.forEach(([action, extra = {}], i) => {
    const at = later(i + 1);
    const decided = decideStep(state, { action: action as never, ...extra }, 'E2', at, settings);
    steps.push({
      ...intake,
      _id: `CABC:v${i + 2}`,
      version: i + 2,
      action,
      at,
      before: state.status,
      after: decided.after,
      intake: undefined,
      change: decided.change,
    });
    state = foldVersions(steps);
  });
  return state;
}

describe('complaint workflow', () => {
  it('goes accepted → investigating → resolved → closed, keeping what each step did', () => {
    const state = caseAfter(
      ['investigate'],
      ['resolve', { resolution: 'exchanged the box', remedies: ['exchange'] }],
      ['close'],
    );
    expect(state).toMatchObject({
      status: 'closed',
      version: 4,
      assignee: 'E2',
      resolution: 'exchanged the box',
      remedies: ['exchange'],
      firstRespondedAt: later(1),
      resolvedAt: later(2),
      closedAt: later(3),
    });
  });

  it('names the allowed actions of each state', () => {
    expect(allowedActions(caseAfter(), t0, settings)).toEqual(['investigate', 'resolve']);
    expect(allowedActions(caseAfter(['investigate']), t0, settings)).toEqual([
      'await_member',
      'resolve',
    ]);
    expect(allowedActions(caseAfter(['investigate'], ['await_member']), t0, settings)).toEqual([
      'member_replied',
      'resolve',
    ]);
    const resolved = caseAfter(['resolve', { resolution: 'refunded' }]);
    expect(allowedActions(resolved, later(2), settings)).toEqual(['close', 'reopen', 'feedback']);
  });

  it('refuses an action the state does not allow, with the allowed ones', () => {
    const state = caseAfter();
    try {
      decideStep(state, { action: 'close' }, 'E2', later(1), settings);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({
        code: ErrorCode.COMPLAINT_TRANSITION_NOT_ALLOWED,
        details: [
          expect.objectContaining({ allowed: ['investigate', 'resolve'], status: 'accepted' }),
        ],
      });
    }
  });

  it('reopens only within the window after the last resolution', () => {
    const closed = caseAfter(['resolve', { resolution: 'refunded' }], ['close']);
    expect(allowedActions(closed, new Date(later(1).getTime() + 29 * DAY), settings)).toContain(
      'reopen',
    );
    expect(allowedActions(closed, new Date(later(1).getTime() + 31 * DAY), settings)).toEqual([
      'feedback',
    ]);
    const reopened = caseAfter(['resolve', { resolution: 'refunded' }], ['close'], ['reopen']);
    expect(reopened).toMatchObject({
      status: 'investigating',
      closedAt: null,
      resolutionClockFrom: later(3),
    });
  });

  it('takes satisfaction once per case', () => {
    const state = caseAfter(
      ['resolve', { resolution: 'apologised' }],
      ['feedback', { satisfaction: 4 }],
    );
    expect(state.satisfaction).toBe(4);
    expect(allowedActions(state, later(3), settings)).toEqual(['close', 'reopen']);
  });

  it('pauses while waiting for the member and resumes on any step', () => {
    const state = caseAfter(['investigate'], ['await_member'], ['member_replied']);
    expect(state.waitingSince).toBeNull();
    expect(state.pauses).toEqual([{ from: later(2), to: later(3) }]);
    const waiting = caseAfter(['investigate'], ['await_member']);
    expect(waiting.pauses).toEqual([{ from: later(2), to: null }]);
  });
});

describe('compensation once per case', () => {
  it('keys the first by the case, a further one only when asked for, by its round', () => {
    const first = caseAfter(['resolve', { resolution: 'sorry', compensation: { kind: 'coupon' } }]);
    expect(first.compensations).toEqual([
      expect.objectContaining({ kind: 'coupon', round: 1, key: 'CABC', version: 2 }),
    ]);
    const reopened = caseAfter(
      ['resolve', { resolution: 'sorry', compensation: { kind: 'coupon' } }],
      ['reopen'],
    );
    expect(() => compensationFor(reopened, { kind: 'coupon' })).toThrow(
      expect.objectContaining({ code: ErrorCode.COMPLAINT_ALREADY_COMPENSATED }),
    );
    expect(compensationFor(reopened, { kind: 'points', points: 200, additional: true })).toEqual({
      kind: 'points',
      points: 200,
      round: 2,
      key: 'complaint:CABC:2',
    });
    expect(compensationFor(caseAfter(), { kind: 'points', points: 50 })).toMatchObject({
      key: 'complaint:CABC',
      round: 1,
    });
  });

  it('refuses compensation on an anonymous complaint', () => {
    const anonymous = foldVersions([
      { ...intake, memberId: null, intake: { ...intake.intake!, memberId: null } },
    ]);
    expect(() => compensationFor(anonymous, { kind: 'coupon' })).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED }),
    );
  });
});
