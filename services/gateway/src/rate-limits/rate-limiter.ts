import { Logger } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { counterKey, decide, tightest, windowAt, type Decision, type Limit } from './fixed-window';
import { limitsFor, type RateLimitSettings, type RequestFacts } from './rate-limit-rules';
import type { RateLimitStore } from './rate-limit.store.port';

/** After the shared store fails, how long counting stays per replica before it is tried again. */
const SHARED_STORE_PAUSE_MS = 5000;

/**
 * Counts a request against every limit that applies to it and says whether it may pass.
 *
 * If the shared store fails (NATS KV unreachable, too slow, full), the gateway fails open
 * to counting in this process: the desk keeps working, and each replica still enforces the
 * limits on its own, so an enumeration is slowed to replicas × the limit rather than let
 * through. Every fallback is counted (`gateway_rate_limit_store_failures_total`) and logged
 * once per pause, for an alert.
 */
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private sharedPausedUntil = 0;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly shared: RateLimitStore,
    private readonly local: RateLimitStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The decision to report (the tightest limit), or none if no limit applies. */
  async check(request: RequestFacts): Promise<Decision | undefined> {
    const limits = limitsFor(request, this.settings);
    if (limits.length === 0) return undefined;
    const now = this.now();
    const window = windowAt(now, this.settings.windowMs);
    const judge = async (some: Limit[]) => {
      const counts = await Promise.all(
        some.map((limit) => this.count(counterKey(limit, window), limit.max)),
      );
      return some.map((limit, i) => decide(limit, counts[i]!, window, now));
    };
    let decisions = await judge(limits.filter((limit) => !limit.afterOthers));
    const later = limits.filter((limit) => limit.afterOthers);
    if (later.length > 0 && decisions.every((d) => d.allowed))
      decisions = [...decisions, ...(await judge(later))];
    const decision = tightest(decisions)!;
    if (!decision.allowed) refusals().inc({ scope: decision.limit.scope });
    return decision;
  }

  private async count(key: string, max: number): Promise<number> {
    if (this.now() >= this.sharedPausedUntil) {
      try {
        return await this.shared.hit(key, max);
      } catch (error) {
        storeFailures().inc();
        if (this.now() >= this.sharedPausedUntil)
          this.logger.warn(
            { err: error },
            `rate-limit store failed (${(error as Error).message}); counting per replica for ${SHARED_STORE_PAUSE_MS} ms`,
          );
        this.sharedPausedUntil = this.now() + SHARED_STORE_PAUSE_MS;
      }
    }
    return this.local.hit(key, max);
  }
}

const refusals = () =>
  (register.getSingleMetric('gateway_rate_limit_refusals_total') as Counter<'scope'>) ??
  new Counter({
    name: 'gateway_rate_limit_refusals_total',
    help: 'Requests answered 429, by the limit that refused them',
    labelNames: ['scope'],
  });

const storeFailures = () =>
  (register.getSingleMetric('gateway_rate_limit_store_failures_total') as Counter) ??
  new Counter({
    name: 'gateway_rate_limit_store_failures_total',
    help: 'Counts the shared rate-limit store (NATS KV) failed to take; counted per replica instead',
  });
