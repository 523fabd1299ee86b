import { AppError } from './errors';
import { RedeemCouponRequest } from './loyalty/coupon.dto';
import { RedeemPointsRequest } from './loyalty/redemption.dto';
import { RewardRequest } from './loyalty/reward.dto';
import { RecordAttendanceCommand } from './members/grade.dto';
import { RegisterMemberRequest } from './members/register-member.dto';
import { UpdateMemberCommand } from './members/update-member.dto';
import { MAX_PAYLOAD_DEPTH } from './payload-shape';
import { SegmentPreviewRequest } from './segments/segment-criteria.dto';
import { validatePayload } from './validation';

const MEMBER_ID = 'a'.repeat(24);

function fieldErrors(run: () => unknown): Record<string, string[]> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return Object.fromEntries(
      (error as AppError).details.map((d) => {
        const { field, reasons } = d as { field: string; reasons: string[] };
        return [field, reasons];
      }),
    );
  }
  throw new Error('expected a validation error');
}

const register = (over: object) =>
  validatePayload(RegisterMemberRequest, {
    name: '王芳',
    phone: '13800138000',
    channel: 'online',
    ...over,
  });

describe('payloads no contract can take', () => {
  it('names a missing required nested part instead of letting it through', () => {
    expect(fieldErrors(() => validatePayload(UpdateMemberCommand, { id: MEMBER_ID }))).toEqual({
      change: ['change is required (a JSON object)'],
    });
    expect(
      Object.keys(fieldErrors(() => validatePayload(RecordAttendanceCommand, { id: MEMBER_ID }))),
    ).toEqual(['attendance']);
    // Optional nested parts stay optional.
    expect(validatePayload(UpdateMemberCommand, { id: MEMBER_ID, change: {} }).change).toEqual({});
  });

  it('refuses a list where one object is declared (it passed as that many empty objects)', () => {
    expect(
      fieldErrors(() =>
        validatePayload(RecordAttendanceCommand, { id: MEMBER_ID, attendance: [[], []] }),
      ),
    ).toEqual({ attendance: ['attendance must be a JSON object, not a list'] });
  });

  it('refuses nesting deeper than the limit, however deep, without overflowing the stack', () => {
    for (const depth of [MAX_PAYLOAD_DEPTH + 1, 10_000, 200_000]) {
      let deep: unknown = 1;
      for (let i = 0; i < depth; i++) deep = i % 2 ? { a: deep } : [deep];
      const errors = fieldErrors(() =>
        validatePayload(SegmentPreviewRequest, { criteria: { ageMin: deep } }),
      );
      expect(Object.values(errors).flat()).toEqual([
        `must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`,
      ]);
    }
  });

  it('refuses NUL and lone surrogates in any string or key, naming the field', () => {
    expect(fieldErrors(() => register({ name: 'a\u0000b' }))).toEqual({
      name: ['must not contain the NUL character (U+0000)'],
    });
    expect(
      fieldErrors(() =>
        validatePayload(SegmentPreviewRequest, { criteria: { regions: ['east\u0000'] } }),
      ),
    ).toEqual({ 'criteria.regions.0': ['must not contain the NUL character (U+0000)'] });
    expect(Object.keys(fieldErrors(() => register({ name: 'ab\ud800' })))).toEqual(['name']);
    expect(Object.keys(fieldErrors(() => register({ 'x\u0000': 1 })))).toEqual(['x\\u0000']);
    // A well-formed pair (an emoji outside the BMP) is text like any other.
    expect(register({ address: { street: '𠀋 路 1 号' } }).address?.street).toBe('𠀋 路 1 号');
  });
});

describe('names and free text', () => {
  it('are normalised to NFC and trimmed; a name of spaces is empty, hence refused', () => {
    expect(register({ name: '  Jose\u0301  ' }).name).toBe('José');
    expect(fieldErrors(() => register({ name: '   ' }))).toEqual({
      name: ['name should not be empty'],
    });
    expect(fieldErrors(() => register({ name: '\u3000' }))).toHaveProperty('name');
  });

  it.each([
    ['a bidi override', 'ab\u202Ecd', 'U+202E'],
    ['a zero-width-only name', '\u200B\u200B', 'U+200B'],
    ['a terminal escape', '\u001b[31mred', 'U+001B'],
    ['a tab', 'a\tb', 'U+0009'],
    ['a line separator', 'a\u2028b', 'U+2028'],
  ])('refuse %s in a name with the field and the character', (_what, name, found) => {
    const reasons = fieldErrors(() => register({ name })).name!;
    expect(reasons.join(' ')).toContain(`found ${found}`);
  });

  it('allow line breaks and tabs only where the text is multi-line', () => {
    const notes = 'morning calls\n\tafter 9';
    expect(register({ consents: { healthData: true }, health: { notes } }).health?.notes).toBe(
      notes,
    );
    expect(
      Object.keys(
        fieldErrors(() =>
          register({ consents: { healthData: true }, health: { notes: 'x\u202Ey' } }),
        ),
      ),
    ).toEqual(['health.notes']);
    expect(
      Object.keys(fieldErrors(() => register({ lifestyle: { hobbies: ['ok', 'b\u200Dc'] } }))),
    ).toEqual(['lifestyle.hobbies']);
  });
});

describe('null is not "left out"', () => {
  it('refuses a null redemption quantity, a null reward stock and null coupon order parts', () => {
    expect(
      Object.keys(
        fieldErrors(() =>
          validatePayload(RedeemPointsRequest, { rewardId: 'COUPON-10', quantity: null }),
        ),
      ),
    ).toEqual(['quantity']);
    expect(
      validatePayload(RedeemPointsRequest, { rewardId: 'COUPON-10' }).quantity,
    ).toBeUndefined();
    const reward = { rewardId: 'GIFT-1', kind: 'gift', name: 'Cup', points: 10, active: true };
    expect(
      Object.keys(fieldErrors(() => validatePayload(RewardRequest, { ...reward, stock: null }))),
    ).toEqual(['stock']);
    expect(
      Object.keys(
        fieldErrors(() => validatePayload(RedeemCouponRequest, { lines: null, amountCents: null })),
      ).sort(),
    ).toEqual(['amountCents', 'lines']);
    expect(
      Object.keys(
        fieldErrors(() => validatePayload(RedeemCouponRequest, { lines: 'x', amountCents: 100 })),
      ),
    ).toEqual(['lines']);
  });
});
