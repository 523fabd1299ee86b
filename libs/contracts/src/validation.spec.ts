import { AppError, ErrorCode } from './errors';
import { RegisterMemberRequest } from './members/register-member.dto';
import { isPlausibleBirthDate } from './members/plausible-birth-date.validator';
import { validatePayload } from './validation';

function reasonsOf(plain: unknown): Record<string, string[]> {
  try {
    validatePayload(RegisterMemberRequest, plain);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return Object.fromEntries(
      (error as AppError).details.map((d) => [
        (d as { field: string }).field,
        (d as { reasons: string[] }).reasons,
      ]),
    );
  }
  throw new Error('expected a validation error');
}

describe('RegisterMemberRequest', () => {
  it('accepts a store registration', () => {
    const request = validatePayload(RegisterMemberRequest, {
      name: '王芳',
      phone: '13800138000',
      channel: 'store',
      homeStoreId: 'S001',
    });
    expect(request).toBeInstanceOf(RegisterMemberRequest);
  });

  it('requires the home store in store registrations only', () => {
    expect(Object.keys(reasonsOf({ name: 'A', phone: '13800138000', channel: 'store' }))).toEqual([
      'homeStoreId',
    ]);
    expect(() =>
      validatePayload(RegisterMemberRequest, {
        name: 'A',
        phone: '13800138000',
        channel: 'online',
      }),
    ).not.toThrow();
  });

  it('names every bad field', () => {
    expect(
      Object.keys(
        reasonsOf({ phone: '23800138000', channel: 'fax', email: 'x', gender: 'robot' }),
      ).sort(),
    ).toEqual(['channel', 'email', 'gender', 'name', 'phone']);
  });

  it('rejects operators and unknown fields rather than passing them on', () => {
    expect(reasonsOf({ name: 'A', phone: { $gt: '' }, channel: 'online' })).toHaveProperty('phone');
    expect(
      reasonsOf({ name: 'A', phone: '13800138000', channel: 'online', role: 'admin' }),
    ).toHaveProperty('role');
    expect(reasonsOf(['not', 'an', 'object'])).toHaveProperty('(root)');
  });
});

describe('isPlausibleBirthDate', () => {
  const now = new Date('2026-11-22T00:00:00Z');
  it.each([
    ['1968-04-12', true],
    ['2026-11-21', true],
    ['2999-01-01', false],
    ['1890-01-01', false],
    ['yesterday', false],
  ])('%s → %s', (value, expected) => expect(isPlausibleBirthDate(value, now)).toBe(expected));
});
