import { AppError, ErrorCode, type MemberExport } from '@crm/contracts';
import { composeExport, EXPORT_SOURCES, partOf } from './member-export';

const members = {
  exportedAt: '2026-12-05T08:00:00.000Z',
  member: { id: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
  purchases: [],
  history: [],
  healthAccess: [],
  alsoHeldBy: ['loyalty'],
} as unknown as MemberExport;

describe('the export of every service', () => {
  it('lists loyalty among the services asked for their part', () => {
    expect(EXPORT_SOURCES.map((source) => source.service)).toContain('loyalty');
  });

  it('tells an answer, a timeout, an absent service and an error apart', () => {
    expect(partOf({ status: 'fulfilled', value: { balance: 1 } })).toEqual({
      status: 'ok',
      data: { balance: 1 },
    });
    const failed = (code: ErrorCode) =>
      partOf({ status: 'rejected', reason: new AppError(code, 'why') });
    expect(failed(ErrorCode.UPSTREAM_TIMEOUT)).toEqual({
      status: 'timeout',
      error: { code: 'UPSTREAM.TIMEOUT', message: 'why' },
    });
    expect(failed(ErrorCode.UPSTREAM_UNAVAILABLE).status).toBe('unavailable');
    expect(failed(ErrorCode.INTERNAL).status).toBe('error');
    expect(partOf({ status: 'rejected', reason: new Error('boom') })).toEqual({
      status: 'error',
      error: { code: 'INTERNAL', message: 'The service failed to answer' },
    });
  });

  it('keeps the members fields at the top level and is complete only when every part is in', () => {
    const whole = composeExport('aaaaaaaaaaaaaaaaaaaaaaaa', members, {
      loyalty: { status: 'ok', data: { memberId: 'aaaaaaaaaaaaaaaaaaaaaaaa' } },
    });
    expect(whole).toMatchObject({
      ...members,
      memberId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      complete: true,
      services: { members: { status: 'ok' }, loyalty: { status: 'ok' } },
    });
    const partial = composeExport('aaaaaaaaaaaaaaaaaaaaaaaa', members, {
      loyalty: { status: 'timeout', error: { code: 'UPSTREAM.TIMEOUT', message: 'late' } },
    });
    expect(partial.complete).toBe(false);
    expect(partial.services.loyalty).toEqual({
      status: 'timeout',
      error: { code: 'UPSTREAM.TIMEOUT', message: 'late' },
    });
  });
});
