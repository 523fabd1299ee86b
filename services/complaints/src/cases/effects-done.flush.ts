import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { CaseVersionsRepository } from './case-versions.repository';

/** How long finished steps wait to be cleared together: far under the recovery pass's grace. */
const FLUSH_MS = 50;

/**
 * Clears the `effectsPending` flags of steps whose effects are done, in one update per flush
 * instead of one per step: a clear costs the local store a read and a write, as much as the
 * projection itself. The flag is a note for the recovery pass, not a fact anyone reads, so the
 * step's answer does not wait for it. Each replica flushes only the steps it finished; a flush
 * lost with its replica leaves their flags set, and the recovery pass redoes those steps'
 * effects (every one idempotent) once its grace is over, as after any crash.
 */
@Injectable()
export class EffectsDoneFlush implements OnApplicationShutdown {
  private waiting = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(EffectsDoneFlush.name);
  }

  /** These steps' effects are done: their flags go in the next flush. */
  add(stepIds: readonly string[]): void {
    for (const id of stepIds) this.waiting.add(id);
    if (this.waiting.size > 0 && !this.timer)
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Clears what is waiting, after any flush under way; settles when it is written. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = [...this.waiting];
    this.waiting = new Set();
    if (ids.length === 0) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.versions.effectsDone(ids))
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error, steps: ids.length },
          'step flags left set; the recovery pass redoes their effects',
        ),
      );
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
