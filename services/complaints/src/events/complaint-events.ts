import {
  BATCH_ALERT,
  type BatchAlertPayload,
  COMPLAINT_CLOSED,
  COMPLAINT_RECEIVED,
  COMPLAINT_REOPENED,
  COMPLAINT_RESOLVED,
  type ComplaintEventPayload,
  SLA_BREACHED,
  SLA_REMINDER,
  type SlaBreachedPayload,
  type SlaReminderPayload,
  Topics,
} from '@crm/contracts';
import { eventIdFor, newEnvelope, type OutboxEntry } from '@crm/messaging';
import type { CaseIntake, CaseVersion } from '../cases/case-version';

const SOURCE = 'complaints';

/** The event a step announces, if any (investigating and feedback steps announce nothing yet). */
const EVENT_OF_ACTION: Partial<Record<CaseVersion['action'], string>> = {
  receive: COMPLAINT_RECEIVED,
  resolve: COMPLAINT_RESOLVED,
  close: COMPLAINT_CLOSED,
  reopen: COMPLAINT_REOPENED,
};

/**
 * The outbox entry a step carries in its own insert. Its id is derived from the step, so the
 * same fact is the same event however often it is sent.
 */
export function stepEvents(
  step: Omit<CaseVersion, 'outbox' | 'outboxPending'>,
  intake: Omit<CaseIntake, 'idempotencyKey' | 'description'>,
): OutboxEntry[] {
  const type = EVENT_OF_ACTION[step.action];
  if (!type) return [];
  const payload: ComplaintEventPayload = {
    complaintId: step.caseId,
    memberId: intake.memberId,
    storeId: intake.storeId,
    category: intake.category,
    severity: intake.severity,
    channel: intake.channel,
    status: step.after,
    version: step.version,
    ...(intake.sku ? { sku: intake.sku } : {}),
    ...(intake.batch ? { batch: intake.batch } : {}),
    ...(step.action === 'receive' && intake.adverseReaction
      ? { escalatedTo: intake.adverseReaction.escalatedTo }
      : {}),
    ...(step.change.compensation ? { compensation: step.change.compensation } : {}),
  };
  return [
    {
      topic: Topics.complaintsEvents,
      envelope: newEnvelope({
        id: eventIdFor(step._id, type),
        type,
        source: SOURCE,
        key: step.caseId,
        occurredAt: step.at,
        payload,
      }),
    },
  ];
}

export function slaBreachedEvent(
  claimId: string,
  payload: SlaBreachedPayload,
  at: Date,
): OutboxEntry {
  return {
    topic: Topics.complaintsEvents,
    envelope: newEnvelope({
      id: eventIdFor(claimId),
      type: SLA_BREACHED,
      source: SOURCE,
      key: payload.complaintId,
      occurredAt: at,
      payload,
    }),
  };
}

export function slaReminderEvent(
  claimId: string,
  payload: SlaReminderPayload,
  at: Date,
): OutboxEntry {
  return {
    topic: Topics.complaintsEvents,
    envelope: newEnvelope({
      id: eventIdFor(claimId),
      type: SLA_REMINDER,
      source: SOURCE,
      key: payload.complaintId,
      occurredAt: at,
      payload,
    }),
  };
}

export function batchAlertEvent(
  alertId: string,
  payload: BatchAlertPayload,
  at: Date,
): OutboxEntry {
  return {
    topic: Topics.complaintsEvents,
    envelope: newEnvelope({
      id: eventIdFor(alertId),
      type: BATCH_ALERT,
      source: SOURCE,
      key: `${payload.sku}:${payload.batch}`,
      occurredAt: at,
      payload,
    }),
  };
}
