import type { CampaignView } from '@crm/contracts';
import type { StatusCount } from './campaigns.repository';

export type CampaignCounts = Pick<
  CampaignView,
  'sent' | 'delivered' | 'queued' | 'deferred' | 'skipped' | 'failed' | 'remaining'
>;

/**
 * A skip reason as a key of the `skipped` map: its words before any detail (`cap-reached: 4
 * marketing sms messages per rolling year` → `cap-reached`), spaces as dashes.
 */
export function reasonKey(reason: string | null): string {
  const head = (reason ?? 'unknown').split(':')[0]!.trim().toLowerCase();
  return head.replace(/\s+/g, '-') || 'unknown';
}

/**
 * A campaign's figures from its messages' statuses. A `pending` message (its decision was cut
 * off, and is made again when the campaign resumes) is not handled yet: it counts in
 * `remaining`, as does every recipient without a message. `total` is null until the segment
 * has been read whole; `remaining` then too.
 */
export function countsOf(rows: readonly StatusCount[], total: number | null): CampaignCounts {
  const counts: CampaignCounts = {
    sent: 0,
    delivered: 0,
    queued: 0,
    deferred: 0,
    skipped: {},
    failed: 0,
    remaining: null,
  };
  let handled = 0;
  for (const { status, reason, n } of rows) {
    if (status === 'pending') continue;
    handled += n;
    if (status === 'sent') counts.sent += n;
    else if (status === 'delivered' || status === 'replied') {
      counts.sent += n;
      counts.delivered += n;
    } else if (status === 'queued') counts.queued += n;
    else if (status === 'deferred') counts.deferred += n;
    else if (status === 'failed') counts.failed += n;
    else if (status === 'skipped') {
      const key = reasonKey(reason);
      counts.skipped[key] = (counts.skipped[key] ?? 0) + n;
    }
  }
  counts.remaining = total === null ? null : Math.max(0, total - handled);
  return counts;
}
