import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PointsLedgerRepository } from './points-ledger.repository';

/** An entry pending longer than this was left by a crash or a failed write, not one in progress. */
const STALE_AFTER_MS = 30_000;

/**
 * Finishes ledger entries a crash left half-applied (runs of purchases: RunSettlement): at start-up (every pending entry is then
 * a dead process's) and every STALE_AFTER_MS after.
 */
@Injectable()
export class FinishPendingEntries implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(
    private readonly ledger: PointsLedgerRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(FinishPendingEntries.name);
  }

  onApplicationBootstrap(): void {
    this.round = this.finish(new Date());
    this.timer = setInterval(() => {
      this.round = this.finish(new Date(Date.now() - STALE_AFTER_MS));
    }, STALE_AFTER_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  private async finish(postedBefore: Date): Promise<void> {
    try {
      const finished = await this.ledger.applyPending(postedBefore);
      if (finished > 0) this.logger.warn({ finished }, 'finished points entries left pending');
    } catch (error) {
      this.logger.warn({ err: error }, 'finishing pending points entries failed; will retry');
    }
  }
}
