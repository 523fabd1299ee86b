import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/** Where a job's failed rounds are told (a PinoLogger with the job's context). */
export interface RoundLogger {
  warn(fields: object, message: string): void;
}

/**
 * Work a service does at start-up and then every `everyMs` while it runs (expiry, reviews,
 * scans): stopping waits for the round in hand, so a round is never cut off by the shutdown. A
 * round that fails is logged as "<what> failed; the next round retries" and the next round is
 * the retry. Every replica runs its own timer: a job that must run once across replicas says
 * how it decides that (an insert-once run, a lease) in its own round.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  /** Set when the service stops: a long round checks it between steps. */
  protected stopping = false;

  /** `what`: the round, as its failure is logged ("SLA scan"). */
  protected constructor(
    private readonly everyMs: number,
    private readonly what: string,
  ) {}

  /** The job's logger: failed rounds are logged there. */
  protected abstract readonly logger: RoundLogger;

  /** One round; throwing is a failed round. */
  protected abstract runRound(): Promise<void>;

  onApplicationBootstrap(): void {
    this.round = this.runSafely();
    this.timer = setInterval(() => {
      this.round ??= this.runSafely(); // a round outlasting the interval is not started twice
    }, this.everyMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.round;
  }

  private async runSafely(): Promise<void> {
    try {
      await this.runRound();
    } catch (error) {
      this.logger.warn({ err: error }, `${this.what} failed; the next round retries`);
    } finally {
      this.round = undefined;
    }
  }
}
