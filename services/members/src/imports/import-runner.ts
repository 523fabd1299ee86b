import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import type { ImportJobDocument } from './import-job.document';
import { ImportJobRepository } from './import-job.repository';
import { ImportLeaseRepository, type ImportLease } from './import-lease.repository';
import { ImportPartRepository } from './import-parts.repository';
import { RunImportJob } from './run-import-job';

export interface ImportRunnerOptions {
  /** How long a taken job stays this process's without a renewal. */
  leaseMs: number;
  /** How often an idle runner looks for work (a commit in this process wakes it at once). */
  pollMs: number;
  /** Attempts after which a job that never finishes (it keeps killing its process) fails. */
  maxAttempts: number;
  /** A file still arriving after this long is given up. */
  uploadTimeoutMs: number;
}

export const IMPORT_RUNNER_OPTIONS = Symbol('IMPORT_RUNNER_OPTIONS');

const DEFAULTS: ImportRunnerOptions = {
  leaseMs: 60_000,
  pollMs: 2_000,
  maxAttempts: 5,
  uploadTimeoutMs: 60 * 60_000,
};

export interface TakenJob {
  job: ImportJobDocument;
  lease: ImportLease;
}

/**
 * Runs import jobs in the background, one at a time in this process. A job is taken with a
 * lease that a heartbeat renews; if the process dies, the lease runs out and any replica takes
 * the job up again from its last checkpoint. On shutdown the job in hand stops at its next
 * checkpoint and is handed back, so another replica continues it at once.
 */
@Injectable()
export class ImportRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ImportRunner.name);
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly options: ImportRunnerOptions;
  private running = false;
  /** Set by stop(): the job in hand ends at its next checkpoint. */
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastSweep = 0;

  constructor(
    private readonly jobs: ImportJobRepository,
    private readonly leases: ImportLeaseRepository,
    private readonly parts: ImportPartRepository,
    private readonly runJob: RunImportJob,
    @Optional() @Inject(IMPORT_RUNNER_OPTIONS) options?: Partial<ImportRunnerOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops at the job's next checkpoint and hands it back. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** A job was queued here: look now rather than at the next poll. */
  nudge(): void {
    this.wake?.();
  }

  /** Takes and runs the next waiting job; false when there was none. */
  async runOnce(): Promise<boolean> {
    const taken = await this.takeNext();
    if (!taken) return false;
    const { job, lease } = taken;
    if (lease.attempt > this.options.maxAttempts) {
      const reason =
        `The import stopped ${lease.attempt - 1} times before finishing; check the members ` +
        `service logs for job ${job._id}, then start the import again`;
      await this.jobs.fail(job._id, this.owner, reason);
      await this.cleanUp(job._id);
      return true;
    }
    await this.runTaken(job, lease);
    return true;
  }

  /**
   * The oldest job nobody holds: never taken, handed back, or under a lease that ran out.
   * Taking it is inserting the lease of its next attempt, which one process only can do.
   */
  async takeNext(): Promise<TakenJob | null> {
    for (const waiting of await this.jobs.waiting()) {
      const latest = await this.leases.latest(waiting._id);
      if (latest && latest.until.getTime() > Date.now()) continue;
      const attempt = (latest?.attempt ?? 0) + 1;
      const lease = await this.leases.take(waiting._id, attempt, this.owner, this.options.leaseMs);
      if (!lease) continue; // another process was quicker
      const job = await this.jobs.markRunning(waiting._id, this.owner, attempt);
      if (job) return { job, lease };
    }
    return null;
  }

  private async runTaken(job: ImportJobDocument, lease: ImportLease): Promise<void> {
    let lost = false;
    let renewal: Promise<unknown> = Promise.resolve();
    // Only the lease document is renewed: a write to the job beside the run's own
    // checkpoints could undo one of them (see ImportJobRepository).
    const heartbeat = setInterval(() => {
      renewal = this.leases.renew(lease, this.options.leaseMs).then(
        (held) => (lost ||= !held),
        (error: unknown) =>
          this.logger.warn({ err: error, jobId: job._id }, 'lease renewal failed'),
      );
    }, this.options.leaseMs / 4);
    try {
      this.logger.log({ jobId: job._id, attempt: lease.attempt }, 'import started');
      const end = await this.runJob.execute(job, {
        owner: this.owner,
        shouldStop: () => lost || this.stopping,
      });
      clearInterval(heartbeat);
      await renewal; // so that no renewal lands after the lease is ended below
      if (end === 'completed' || end === 'failed') await this.leases.deleteFor(job._id);
      if (end === 'stopped' && !lost) {
        await this.jobs.release(job._id, this.owner);
        await this.leases.expire(lease);
      }
      if (end === 'lost' || lost) this.logger.warn({ jobId: job._id }, 'import taken over');
    } catch (error) {
      // The lease stays: it runs out and the job is taken up again, here or by a replica.
      this.logger.error({ err: error, jobId: job._id }, 'import interrupted; it will resume');
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async cleanUp(jobId: string): Promise<void> {
    await this.parts.deleteFor(jobId);
    await this.leases.deleteFor(jobId);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let ranOne = false;
      try {
        ranOne = await this.runOnce();
        await this.sweepAbandonedUploads();
      } catch (error) {
        this.logger.warn({ err: error }, 'import runner could not reach its store; retrying');
      }
      if (!ranOne) await this.idle(this.options.pollMs);
    }
  }

  /** Files whose upload never finished: their jobs fail and their parts go. */
  private async sweepAbandonedUploads(): Promise<void> {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    const before = new Date(Date.now() - this.options.uploadTimeoutMs);
    for (const id of await this.jobs.abandonedUploads(before)) {
      const reason = 'The file never finished arriving; send it again';
      if (await this.jobs.failUpload(id, reason)) await this.parts.deleteFor(id);
    }
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([
      sleep(ms, undefined, { ref: false }),
      new Promise<void>((resolve) => (this.wake = resolve)),
    ]).finally(() => {
      this.wake = undefined;
    });
  }
}
