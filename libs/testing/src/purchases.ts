import type { PurchaseRecordedPayload } from '@crm/contracts';

/**
 * Canned `purchase.recorded` data the tests and benches share. Alendronate 70 mg, four weekly
 * tablets (28 days' supply): an osteoporosis product, so its sale is followed up (004) and
 * refilled.
 */
export const ALENDRONATE_SALE_LINE = {
  sku: 'ALN70',
  category: 'osteoporosis',
  atc: 'M05BA04',
  rx: true,
  quantity: 1,
  unitPriceCents: 5800,
  daysSupply: 28,
} as const;

/** A sale of one ALENDRONATE_SALE_LINE. */
export function alendronateSale(sale: {
  transactionId: string;
  memberId: string;
  occurredAt: string;
  storeId?: string;
}): PurchaseRecordedPayload {
  return {
    type: 'sale',
    originalTransactionId: null,
    storeId: 'S001',
    totalCents: ALENDRONATE_SALE_LINE.unitPriceCents,
    items: [{ ...ALENDRONATE_SALE_LINE }] as PurchaseRecordedPayload['items'],
    ...sale,
  };
}

/** The refund of a whole sale, an hour after it unless told. */
export function refundOf(
  sale: PurchaseRecordedPayload,
  occurredAt = new Date(Date.parse(sale.occurredAt) + 3_600_000).toISOString(),
): PurchaseRecordedPayload {
  return {
    ...sale,
    transactionId: `${sale.transactionId}-R`,
    type: 'refund',
    originalTransactionId: sale.transactionId,
    occurredAt,
    totalCents: -sale.totalCents,
  };
}
