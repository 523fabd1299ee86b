import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/**
 * Work a service does at start-up and then every `everyMs` while it runs (expiry, reviews):
 * stopping waits for the round in hand, so a round is never cut off by the shutdown.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  protected constructor(private readonly everyMs: number) {}

  /** One round; it handles (logs) its own failures, the next round is the retry. */
  protected abstract runSafely(): Promise<void>;

  onApplicationBootstrap(): void {
    this.round = this.runSafely();
    this.timer = setInterval(() => {
      this.round = this.runSafely();
    }, this.everyMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }
}
