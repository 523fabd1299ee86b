import { PURCHASE_RECORDED, type PurchaseRecordedPayload } from '@crm/contracts';
import { newEnvelope } from '@crm/messaging';
import type { PurchaseDocument } from './purchase.document';

/** `purchase.recorded` for a member's transaction: ids and facts, no product names or phone. */
export function purchaseRecordedEvent(doc: PurchaseDocument, memberId: string) {
  const payload: PurchaseRecordedPayload = {
    transactionId: doc._id,
    type: doc.type,
    originalTransactionId: doc.originalTransactionId,
    memberId,
    storeId: doc.storeId,
    occurredAt: doc.occurredAt.toISOString(),
    totalCents: doc.totalCents,
    items: doc.items.map(({ sku, category, rx, quantity, unitPriceCents, daysSupply }) => ({
      sku,
      category,
      rx,
      quantity,
      unitPriceCents,
      daysSupply,
    })),
  };
  return newEnvelope({ type: PURCHASE_RECORDED, source: 'members', key: memberId, payload });
}
