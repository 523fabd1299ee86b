import { PURCHASE_RECORDED, type PurchaseRecordedPayload } from '@crm/contracts';
import { eventIdFor, newEnvelope } from '@crm/messaging';
import type { PurchaseDocument } from './purchase.document';

/**
 * `purchase.recorded` for a member's transaction: ids and facts, no product names or phone.
 * Its id follows from the transaction and the member, so announcing it again (after a
 * redelivery) is a duplicate that consumers drop.
 */
export function purchaseRecordedEvent(doc: PurchaseDocument, memberId: string) {
  const payload: PurchaseRecordedPayload = {
    transactionId: doc._id,
    type: doc.type,
    originalTransactionId: doc.originalTransactionId,
    memberId,
    storeId: doc.storeId,
    occurredAt: doc.occurredAt.toISOString(),
    totalCents: doc.totalCents,
    items: doc.items.map(({ sku, category, rx, quantity, unitPriceCents, daysSupply, atc }) => ({
      sku,
      category,
      rx,
      quantity,
      unitPriceCents,
      daysSupply,
      ...(atc ? { atc } : {}),
    })),
    ...(doc.couponCodes?.length ? { couponCodes: doc.couponCodes } : {}),
  };
  return newEnvelope({
    id: eventIdFor(PURCHASE_RECORDED, doc._id, memberId),
    type: PURCHASE_RECORDED,
    source: 'members',
    key: memberId,
    payload,
  });
}
