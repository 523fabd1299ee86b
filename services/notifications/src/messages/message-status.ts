import type { NotificationStatus, ProviderEventStatus } from '@crm/contracts';

const FROM_PROVIDER: Record<ProviderEventStatus, NotificationStatus> = {
  accepted: 'sent',
  delivered: 'delivered',
  failed: 'failed',
  replied: 'replied',
};
/** Among events of the same instant, the later step wins. */
const STEP: Record<ProviderEventStatus, number> = {
  accepted: 0,
  delivered: 1,
  failed: 1,
  replied: 2,
};

/**
 * A message's status from its provider's events, applied in order of `occurredAt` (not of
 * arrival): an event that arrives late but happened earlier does not undo a later one. Null
 * when there is no event.
 */
export function statusFromEvents(
  events: readonly { status: ProviderEventStatus; occurredAt: Date }[],
): { status: NotificationStatus; at: Date } | null {
  const ordered = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || STEP[a.status] - STEP[b.status],
  );
  const last = ordered.at(-1);
  return last ? { status: FROM_PROVIDER[last.status], at: last.occurredAt } : null;
}
