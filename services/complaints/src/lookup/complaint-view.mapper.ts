import type { CompensationView, ComplaintHistoryItem, ComplaintView } from '@crm/contracts';
import type { CaseState } from '../cases/case-state';
import type { CaseVersion } from '../cases/case-version';
import type { CaseDocument } from '../cases/cases.repository';
import { allowedActions, type WorkflowSettings } from '../cases/complaint-workflow';
import type { CaseSla, SlaTargetName } from '../sla/case-sla';
import type { SlaBreachDocument } from '../sla/sla-breaches.repository';

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);

function compensationView(c: CaseState['compensations'][number]): CompensationView {
  return {
    kind: c.kind,
    ...(c.points !== undefined ? { points: c.points } : {}),
    round: c.round,
    key: c.kind === 'coupon' ? `compensation:${c.key}` : c.key,
    state: c.outcome?.state ?? 'pending',
    ...(c.outcome?.couponCode ? { couponCode: c.outcome.couponCode } : {}),
    ...(c.outcome?.errorCode ? { errorCode: c.outcome.errorCode } : {}),
    ...(c.outcome?.errorMessage ? { errorMessage: c.outcome.errorMessage } : {}),
  };
}

/** A case for staff, allow-listed field by field. */
export function complaintView(
  state: CaseState,
  sla: Pick<CaseSla, 'firstResponseDueAt' | 'resolutionDueAt' | 'firstRespondedAt' | 'paused'>,
  breached: readonly string[],
  now: Date,
  workflow: WorkflowSettings,
): ComplaintView {
  const adr = state.adverseReaction;
  return {
    id: state.id,
    status: state.status,
    version: state.version,
    memberId: state.memberId,
    channel: state.channel,
    category: state.category,
    severity: state.severity,
    storeId: state.storeId,
    ...(state.transactionId ? { transactionId: state.transactionId } : {}),
    ...(state.sku ? { sku: state.sku } : {}),
    ...(state.batch ? { batch: state.batch } : {}),
    description: state.description,
    receivedAt: state.receivedAt.toISOString(),
    assignee: state.assignee,
    sla: {
      firstResponseDueAt: iso(sla.firstResponseDueAt),
      resolutionDueAt: iso(sla.resolutionDueAt),
      firstRespondedAt: iso(sla.firstRespondedAt),
      paused: sla.paused,
      breached: [...new Set(breached)],
    },
    allowedActions: allowedActions(state, now, workflow),
    ...(state.resolution !== undefined ? { resolution: state.resolution } : {}),
    ...(state.remedies ? { remedies: state.remedies } : {}),
    ...(state.cause ? { cause: state.cause } : {}),
    compensations: state.compensations.map(compensationView),
    ...(state.satisfaction !== undefined ? { satisfaction: state.satisfaction } : {}),
    ...(adr
      ? {
          adverseReaction: {
            drug: adr.drug,
            ...(state.sku ? { sku: state.sku } : {}),
            ...(state.batch ? { batch: state.batch } : {}),
            onsetAt: adr.onsetAt.toISOString(),
            reaction: adr.reaction,
            serious: adr.serious,
            outcome: adr.outcome,
            reportDueAt: adr.reportDueAt.toISOString(),
            escalatedTo: adr.escalatedTo,
          },
        }
      : {}),
  };
}

/** Every step, and every escalation of a missed target, oldest first. */
export function historyOf(
  steps: readonly CaseVersion[],
  breaches: readonly SlaBreachDocument[],
): ComplaintHistoryItem[] {
  const items: ComplaintHistoryItem[] = steps.map((step) => {
    const details: Record<string, unknown> = { ...step.change };
    if (step.action === 'receive' && step.intake?.adverseReaction)
      details.escalatedTo = step.intake.adverseReaction.escalatedTo;
    if (step.compensationOutcome)
      details.compensationOutcome = {
        ...step.compensationOutcome,
        at: step.compensationOutcome.at.toISOString(),
      };
    return {
      version: step.version,
      action: step.action,
      actor: step.actor.staffId,
      role: step.actor.role,
      actorStoreId: step.actor.storeId,
      at: step.at.toISOString(),
      note: step.note,
      before: step.before,
      after: step.after,
      ...(Object.keys(details).length ? { details } : {}),
    };
  });
  const versionAt = (at: Date) =>
    steps.filter((step) => step.at.getTime() <= at.getTime()).at(-1) ?? steps[0]!;
  for (const breach of breaches) {
    const step = versionAt(breach.at);
    if (breach.level === 0) {
      items.push({
        version: step.version,
        action: 'sla_reminder',
        actor: 'complaints',
        role: null,
        actorStoreId: null,
        at: breach.at.toISOString(),
        note: `${breach.target} target due ${breach.dueAt.toISOString()}: ${breach.escalatedTo} reminded`,
        before: step.after,
        after: step.after,
        details: { target: breach.target as SlaTargetName, level: 0, remind: breach.escalatedTo },
      });
      continue;
    }
    items.push({
      version: step.version,
      action: 'sla_breached',
      actor: 'complaints',
      role: null,
      actorStoreId: null,
      at: breach.at.toISOString(),
      note: `${breach.target} target (due ${breach.dueAt.toISOString()}) missed: escalated to ${breach.escalatedTo}`,
      before: step.after,
      after: step.after,
      details: {
        target: breach.target as SlaTargetName,
        level: breach.level,
        escalatedTo: breach.escalatedTo,
      },
    });
  }
  return items.sort((a, b) => a.at.localeCompare(b.at) || a.version - b.version);
}

/** A listed case (from the projection), without history. */
export function listedView(
  doc: CaseDocument,
  now: Date,
  workflow: WorkflowSettings,
): ComplaintView {
  const { _id, sla, breached, projectedAt: _p, storeBucket: _s, chainBucket: _c, ...rest } = doc;
  const state: CaseState = { ...rest, id: _id };
  return complaintView(
    state,
    {
      firstResponseDueAt: sla.firstResponseDueAt,
      resolutionDueAt: sla.resolutionDueAt,
      firstRespondedAt: state.firstRespondedAt,
      paused: state.waitingSince !== null,
    },
    breached,
    now,
    workflow,
  );
}
