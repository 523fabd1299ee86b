import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  ListPurchasesRequest,
  PurchaseList,
  type PurchaseView,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { MemberRepository } from '../members/member.repository';
import type { PurchaseDocument } from './purchase.document';
import { PurchaseRepository } from './purchase.repository';

@Injectable()
export class ListPurchases {
  constructor(
    private readonly purchases: PurchaseRepository,
    private readonly members: MemberRepository,
  ) {}

  execute(request: ListPurchasesRequest): Promise<PurchaseList> {
    return inSpan('members.purchases.list', async () => {
      if (!(await this.members.exists(request.id))) {
        throw new AppError(ErrorCode.MEMBER_NOT_FOUND, `No member with id ${request.id}`);
      }
      const docs = await this.purchases.forMember(request.id, request.limit ?? 50);
      return { items: docs.map(toPurchaseView) };
    });
  }
}

export function toPurchaseView(doc: PurchaseDocument): PurchaseView {
  return {
    transactionId: doc._id,
    type: doc.type,
    originalTransactionId: doc.originalTransactionId,
    storeId: doc.storeId,
    occurredAt: doc.occurredAt.toISOString(),
    totalCents: doc.totalCents,
    items: doc.items,
  };
}
