import type { PosTransaction } from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';

/** A POS sale or refund as the members service keeps it; `_id` is the transaction id. */
export interface PurchaseDocument extends WithOutbox {
  _id: string;
  type: PosTransaction['type'];
  originalTransactionId: string | null;
  storeId: string;
  region: string;
  occurredAt: Date;
  /** The buyer, when known; null for a buyer who is not (yet) a member. */
  memberId: string | null;
  /** Blind index of the buyer's phone, so an unknown buyer's purchases can be linked when they register. */
  phoneIndex: string | null;
  items: PosTransaction['items'];
  totalCents: number;
  cashierId: string | null;
  /** Coupon codes the sale carried, when it carried any (passed on in `purchase.recorded`). */
  couponCodes?: string[];
  recordedAt: Date;
  /** Where the POS topic delivered it first: the run tally that counts it (fold-purchase-figures.ts). */
  pos?: { partition: number; offset: number } | null;
  /** Set when the buyer was linked after the sale (at registration): counted then, not by a tally. */
  linkedLater?: boolean;
}
