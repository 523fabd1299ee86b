import type { CareTaskView } from '@crm/contracts';
import type { CareTaskDocument } from './care-task.document';

/** An allow-list: the follow-up's followed lines and anything added later stay inside. */
export function toCareTaskView(doc: CareTaskDocument): CareTaskView {
  return {
    id: doc._id,
    memberId: doc.memberId,
    ...(doc.planId ? { planId: doc.planId } : {}),
    kind: doc.kind,
    priority: doc.priority,
    dueAt: doc.dueAt.toISOString(),
    status: doc.status,
    cause: { ...doc.cause },
    ...(doc.assignee ? { assignee: doc.assignee } : {}),
    assigneeRole: doc.assigneeRole,
    storeId: doc.storeId,
    ...(doc.contentKey ? { contentKey: doc.contentKey } : {}),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.outcome ? { outcome: doc.outcome } : {}),
    ...(doc.note ? { note: doc.note } : {}),
    ...(doc.closedAt ? { closedAt: doc.closedAt.toISOString() } : {}),
    ...(doc.closedBy ? { closedBy: doc.closedBy } : {}),
    ...(doc.cancelReason ? { cancelReason: doc.cancelReason } : {}),
    ...(doc.escalatedTo ? { escalatedTo: doc.escalatedTo } : {}),
    ...(doc.escalatedAt ? { escalatedAt: doc.escalatedAt.toISOString() } : {}),
    ...(doc.products ? { products: [...doc.products] } : {}),
    ...(doc.heldBack ? { heldBack: doc.heldBack.map((h) => ({ ...h })) } : {}),
  };
}
