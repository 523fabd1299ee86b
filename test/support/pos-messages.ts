/** POS messages (CONTRACTS.md §3) as the tests send them to `pos.transactions.v1`. */

export interface PosItem {
  sku: string;
  name: string;
  category: string;
  rx: boolean;
  quantity: number;
  unitPriceCents: number;
}

export interface PosMessage {
  key: string;
  value: string;
}

/**
 * A transaction by the member with `phone`, keyed by the phone as stores send them, at store
 * S001 now unless `extra` says otherwise; its total is the sum of its lines.
 */
export function posTransaction(
  phone: string,
  transactionId: string,
  items: PosItem[],
  extra: Record<string, unknown> = {},
): PosMessage {
  return {
    key: phone,
    value: JSON.stringify({
      transactionId,
      type: 'sale',
      originalTransactionId: null,
      storeId: 'S001',
      region: 'east',
      occurredAt: new Date().toISOString(),
      member: { memberId: null, phone },
      items,
      totalCents: items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0),
      ...extra,
    }),
  };
}

/** A refund of (part of) `originalTransactionId`. */
export function posRefund(
  phone: string,
  transactionId: string,
  originalTransactionId: string,
  items: PosItem[],
  extra: Record<string, unknown> = {},
): PosMessage {
  return posTransaction(phone, transactionId, items, {
    type: 'refund',
    originalTransactionId,
    ...extra,
  });
}
