import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { WriterLeaseRepository, WriterTerm } from './writer-lease.repository';

export interface WriterLeaseOptions {
  /** How long a term lasts without renewal: the most a crash keeps a successor waiting. */
  leaseMs: number;
  /** Called when the term is lost (superseded, or not renewed in time): the process must stop. */
  onLost: (reason: string) => void;
}

/**
 * The guard of a service whose correctness needs a single writer (members and loyalty keep
 * per-member state in memory and write it back whole). At start the process takes the next
 * term of its database's writer lease, waiting while another live process holds one; it
 * renews its term every third of the lease, and stops itself (`onLost`) as soon as it learns
 * that a later term exists, or when it could not renew before its own term ran out, since
 * then another process may already be writing. A SIGKILLed holder stops renewing; its term
 * ends after `leaseMs` and a waiting process takes over and recovers as after any crash.
 * Terms are compared with each process's clock: deployments keep clocks in sync (NTP), far
 * closer than a lease of seconds.
 */
export class WriterLease {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private held?: WriterTerm;
  /** Until when this process may still act as the writer, as its last renewal proved. */
  private validUntil = 0;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly terms: WriterLeaseRepository,
    private readonly options: WriterLeaseOptions,
    private readonly logger: Logger,
  ) {}

  get term(): number | undefined {
    return this.held?.term;
  }

  /**
   * Waits until this process holds a term. `waiting` hears why while it waits (for readiness
   * and logs); resolves with the term taken, or null when `cancelled` said to give up.
   */
  async acquire(
    waiting: (why: string) => void,
    cancelled: () => boolean = () => false,
  ): Promise<WriterTerm | null> {
    const pollMs = Math.min(1000, Math.max(100, this.options.leaseMs / 5));
    let lastHolder = '';
    while (!cancelled()) {
      const latest = await this.terms.latest();
      if (!latest || latest.until.getTime() <= Date.now()) {
        const requestedAt = Date.now();
        const taken = await this.terms.take(
          (latest?.term ?? 0) + 1,
          this.owner,
          this.options.leaseMs,
        );
        if (taken) {
          this.hold(taken, requestedAt);
          return taken;
        }
        continue; // another process took that term first: look again
      }
      const why = `the writer lease is held by ${latest.owner} (term ${latest.term}) until ${latest.until.toISOString()}`;
      if (latest.owner !== lastHolder) {
        lastHolder = latest.owner;
        this.logger.warn(`not ready: ${why}; waiting to take over when it ends`);
      }
      waiting(why);
      await sleep(pollMs);
    }
    return null;
  }

  /** Ends the term now (graceful shutdown, after all writes stopped) so a successor starts at once. */
  async release(): Promise<void> {
    this.stop();
    if (!this.held) return;
    await this.terms.extend(this.held.term, new Date());
    this.logger.info({ term: this.held.term }, 'writer lease released');
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.heartbeat);
  }

  private hold(term: WriterTerm, requestedAt: number): void {
    this.held = term;
    this.validUntil = requestedAt + this.options.leaseMs;
    this.logger.info({ term: term.term, owner: this.owner }, 'writer lease taken');
    this.schedule();
  }

  private schedule(inMs = this.options.leaseMs / 3): void {
    if (this.stopped) return;
    this.heartbeat = setTimeout(() => void this.renew(), inMs);
    this.heartbeat.unref();
  }

  private async renew(): Promise<void> {
    const term = this.held!.term;
    const requestedAt = Date.now();
    try {
      if (await this.terms.superseded(term))
        return this.lose(`term ${term + 1} was taken by another process`);
      const until = new Date(requestedAt + this.options.leaseMs);
      // Without its document the term proves nothing: another process may hold term 1 now.
      if (!(await this.terms.extend(term, until)))
        return this.lose(`term ${term} is no longer on file`);
      // Counted from before the request: the store may have applied it any time after.
      this.validUntil = requestedAt + this.options.leaseMs;
    } catch (error) {
      this.logger.warn({ err: error, term }, 'writer lease renewal failed; retrying');
    }
    // The process gives up a margin before its term would end unrenewed (a store that does
    // not answer, a stalled loop), so it has stopped before any successor can start.
    const margin = this.options.leaseMs / 6;
    const left = this.validUntil - Date.now();
    if (left <= margin) return this.lose(`term ${term} could not be renewed in time`);
    this.schedule(Math.min(this.options.leaseMs / 3, left - margin));
  }

  private lose(reason: string): void {
    if (this.stopped) return;
    this.stop();
    this.options.onLost(`lost the writer lease: ${reason}`);
  }
}
