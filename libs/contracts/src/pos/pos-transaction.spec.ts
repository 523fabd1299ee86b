import { AppError } from '../errors';
import { validatePayload } from '../validation';
import { PosTransaction } from './pos-transaction';

const sale = (item: Record<string, unknown>) => ({
  transactionId: 'S001-1',
  type: 'sale',
  storeId: 'S001',
  region: 'east',
  occurredAt: '2026-11-22T09:15:00+08:00',
  member: { phone: '13800138000' },
  items: [
    {
      sku: '1',
      name: 'Alendronate',
      category: 'osteoporosis',
      rx: true,
      quantity: 1,
      unitPriceCents: 5800,
      ...item,
    },
  ],
  totalCents: 5800,
});

describe('POS item ATC code (optional v1 extension)', () => {
  it('takes an ATC code at any level, or none', () => {
    for (const atc of ['M05BA04', 'M05BA', 'M05B', 'M05', 'M', null])
      expect(validatePayload(PosTransaction, sale({ atc })).items[0]!.atc).toBe(atc);
    expect(validatePayload(PosTransaction, sale({})).items[0]!.atc).toBeUndefined();
  });

  it('refuses what is not an ATC code, naming the field', () => {
    for (const atc of ['M05BA0', '05BA04', 'M05BA04X', 'M05$ne'])
      expect(() => validatePayload(PosTransaction, sale({ atc }))).toThrow(AppError);
  });
});
