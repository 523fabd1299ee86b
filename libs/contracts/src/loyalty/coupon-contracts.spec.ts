import { AppError } from '../errors';
import { PosTransaction } from '../pos/pos-transaction';
import { validatePayload } from '../validation';
import { CouponDefinitionRequest } from './coupon-definition.dto';
import { RedeemCouponCommand } from './coupon.dto';

const sale = {
  transactionId: 'S001-1',
  type: 'sale',
  originalTransactionId: null,
  storeId: 'S001',
  region: 'east',
  occurredAt: '2026-11-22T09:15:00+08:00',
  member: { memberId: null, phone: '13800138000' },
  items: [{ sku: '1', name: 'x', category: 'vitamins', rx: false, quantity: 1, unitPriceCents: 1 }],
  totalCents: 1,
};

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    return ((error as AppError).details as { field: string }[]).map((d) => d.field);
  }
  return [];
}

describe('coupon contracts', () => {
  it('lets a POS sale carry up to 5 coupon codes, normalized, and no malformed one', () => {
    expect(validatePayload(PosTransaction, sale).couponCodes).toBeUndefined();
    expect(
      validatePayload(PosTransaction, { ...sale, couponCodes: ['k7qx-4m9prt'] }).couponCodes,
    ).toEqual(['K7QX4M9PRT']);
    expect(
      fieldsOf(() => validatePayload(PosTransaction, { ...sale, couponCodes: ['O0O0O0O0O0'] })),
    ).toEqual(['couponCodes']);
    const six = Array.from({ length: 6 }, () => 'K7QX4M9PRT');
    expect(fieldsOf(() => validatePayload(PosTransaction, { ...sale, couponCodes: six }))).toEqual([
      'couponCodes',
    ]);
  });

  it('asks a definition for one discount kind and valid numbers, field by field', () => {
    expect(
      fieldsOf(() =>
        validatePayload(CouponDefinitionRequest, { name: '', purpose: 'gift' }),
      ).sort(),
    ).toEqual(['amountOffCents', 'name', 'percentOff', 'purpose']);
    expect(
      fieldsOf(() =>
        validatePayload(CouponDefinitionRequest, {
          name: 'x',
          purpose: 'manual',
          percentOff: 120,
          eligibleCategories: [''],
        }),
      ).sort(),
    ).toEqual(['eligibleCategories', 'percentOff']);
  });

  it('asks a redemption for lines or an amount, a valid code and a key', () => {
    expect(
      fieldsOf(() =>
        validatePayload(RedeemCouponCommand, {
          id: '0123456789abcdef01234567',
          code: 'short',
          idempotencyKey: '',
        }),
      ).sort(),
    ).toEqual(['amountCents', 'code', 'idempotencyKey', 'lines']);
  });
});
