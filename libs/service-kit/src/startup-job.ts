import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { RoundLogger } from './periodic-job';

/**
 * Work a service does once at start-up, in the background (a backfill): the service answers
 * meanwhile, stopping sets `stopping` and waits for the work, and a failure is logged as
 * "<what> failed; the next start-up retries". Every replica starting runs it: the work says why
 * that is safe (idempotent steps, a recorded pass).
 */
export abstract class StartupJob implements OnApplicationBootstrap, OnModuleDestroy {
  private run?: Promise<void>;
  /** Set when the service stops: long work checks it between steps. */
  protected stopping = false;

  /** `what`: the work, as its failure is logged ("listing backfill"). */
  protected constructor(private readonly what: string) {}

  /** The job's logger: a failure is logged there. */
  protected abstract readonly logger: RoundLogger;

  /** The work (tests call it too); throwing is a failure. */
  abstract runOnce(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.run = this.runOnce().then(
      () => undefined,
      (error: unknown) =>
        this.logger.warn({ err: error }, `${this.what} failed; the next start-up retries`),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.run;
  }
}
