import type { Logger } from 'pino';
import type { CampaignsRepository } from './campaigns.repository';
import { leaseId } from './campaign.document';

/**
 * The right of one replica to run one campaign, as the writer lease of the single-writer
 * services is, per campaign: a term is an insert-once document (`<campaign>:t<n>`), so of two
 * replicas that find the last term ended exactly one takes the next. The holder renews every
 * third of the lease and stops (`lost`) when it finds a later term, or when it could not renew
 * before a margin ahead of its term's end, so it has stopped before any successor starts. A
 * SIGKILLed holder stops renewing; after `leaseMs` any replica (or the restarted one) takes
 * over and resumes from the stored pages.
 */
export class CampaignLease {
  private term?: number;
  private validUntil = 0;
  private timer?: NodeJS.Timeout;
  private lostReason: string | null = null;

  constructor(
    private readonly store: CampaignsRepository,
    readonly campaignId: string,
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  /** Why the lease was lost, or null while it is held. */
  get lost(): string | null {
    return this.lostReason;
  }

  get held(): boolean {
    return this.term !== undefined && this.lostReason === null && Date.now() < this.validUntil;
  }

  /** Takes the next term if the last one ended (or none exists); false when another holds it. */
  async take(): Promise<boolean> {
    const latest = await this.store.latestLease(this.campaignId);
    if (latest && latest.until.getTime() > Date.now()) return false;
    const term = (latest?.term ?? 0) + 1;
    const requestedAt = Date.now();
    const taken = await this.store.takeLease({
      _id: leaseId(this.campaignId, term),
      campaignId: this.campaignId,
      term,
      owner: this.owner,
      takenAt: new Date(requestedAt),
      until: new Date(requestedAt + this.leaseMs),
    });
    if (!taken) return false;
    this.term = term;
    this.validUntil = requestedAt + this.leaseMs;
    if (latest)
      this.logger.info(
        { campaignId: this.campaignId, term, previousOwner: latest.owner },
        'campaign taken over: the previous runner stopped renewing its lease',
      );
    this.schedule(this.leaseMs / 3);
    return true;
  }

  /** Ends the term now (the campaign finished, or the process stops) so another may start at once. */
  async release(): Promise<void> {
    clearTimeout(this.timer);
    if (this.term === undefined || this.lostReason) return;
    this.lostReason = 'released';
    await this.store.extendLease(this.campaignId, this.term, new Date()).catch(() => undefined);
  }

  private schedule(inMs: number): void {
    this.timer = setTimeout(() => void this.renew(), inMs);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.lostReason || this.term === undefined) return;
    const term = this.term;
    const requestedAt = Date.now();
    try {
      if (await this.store.leaseSuperseded(this.campaignId, term))
        return this.lose(`term ${term + 1} was taken by another replica`);
      if (
        !(await this.store.extendLease(this.campaignId, term, new Date(requestedAt + this.leaseMs)))
      )
        return this.lose(`term ${term} is no longer on file`);
      this.validUntil = requestedAt + this.leaseMs;
    } catch (error) {
      this.logger.warn(
        { err: error, campaignId: this.campaignId },
        'campaign lease renewal failed',
      );
    }
    const left = this.validUntil - Date.now();
    if (left <= this.leaseMs / 6) return this.lose(`term ${term} could not be renewed in time`);
    this.schedule(Math.min(this.leaseMs / 3, left - this.leaseMs / 6));
  }

  private lose(reason: string): void {
    clearTimeout(this.timer);
    this.lostReason = reason;
    this.logger.warn(
      { campaignId: this.campaignId, reason },
      'campaign lease lost; its runner stops',
    );
  }
}
