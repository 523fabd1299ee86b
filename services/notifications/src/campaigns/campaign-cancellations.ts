import { Injectable } from '@nestjs/common';
import { BoundedMap } from '@crm/messaging';
import { CampaignsRepository } from './campaigns.repository';

/** How long a "not cancelled" answer is trusted: a cancel reaches delivery within this. */
const FRESH_MS = 1000;

/**
 * Whether a campaign was cancelled, for delivery: a campaign's message still queued when its
 * campaign is cancelled is skipped (`campaign-cancelled`), not sent. A cancellation is final, so
 * it is remembered; the absence of one is asked again after a second.
 */
@Injectable()
export class CampaignCancellations {
  private readonly known = new BoundedMap<string, { cancelled: boolean; at: number }>(10_000);

  constructor(private readonly store: CampaignsRepository) {}

  async cancelled(campaignId: string): Promise<boolean> {
    const known = this.known.get(campaignId);
    if (known && (known.cancelled || Date.now() - known.at < FRESH_MS)) return known.cancelled;
    const cancelled = !!(await this.store.findMark('cancelled', campaignId));
    this.known.set(campaignId, { cancelled, at: Date.now() });
    return cancelled;
  }
}
