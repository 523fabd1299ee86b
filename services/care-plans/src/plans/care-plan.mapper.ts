import type { CarePlanView } from '@crm/contracts';
import type { PlanDocument } from './plans.repository';

export function toCarePlanView(doc: PlanDocument): CarePlanView {
  return {
    id: doc._id,
    memberId: doc.memberId,
    templateId: doc.templateId,
    templateVersion: doc.templateVersion,
    status: doc.status,
    startAt: doc.startAt.toISOString(),
    enrolledAt: doc.enrolledAt.toISOString(),
    ...(doc.enrolledBy ? { enrolledBy: doc.enrolledBy } : {}),
    storeId: doc.storeId,
    tasks: doc.tasks,
    messages: doc.messages,
    history: doc.history.map((t) => ({
      action: t.action,
      reason: t.reason,
      at: t.at.toISOString(),
      ...(t.by ? { by: t.by } : {}),
    })),
  };
}
