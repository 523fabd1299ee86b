import { Logger, Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUS_NAMESPACE } from '@crm/contracts';
import { GatewayConfig } from '../gateway.config';
import { NATS_CONNECTION } from '../nats/nats-rpc.module';
import { openCounterBucket, KvRateLimitStore, type CounterBucket } from './kv-rate-limit.store';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimiter } from './rate-limiter';

/** How long one KV operation may take before the request is counted per replica instead. */
const STORE_TIMEOUT_MS = 300;

/** The counters' bucket: one per bus namespace, so test runs on one NATS never share counts. */
export function counterBucketName(namespace = BUS_NAMESPACE): string {
  return namespace ? `${namespace}-rate-limits` : 'rate-limits';
}

/**
 * Provides the `RateLimiter` (null when `RATE_LIMITS=off`). The bucket is opened at start,
 * and again on the next request if that failed: the gateway starts and serves without it
 * (counting per replica) rather than not at all.
 */
@Module({
  providers: [
    {
      provide: RateLimiter,
      inject: [GatewayConfig, NATS_CONNECTION],
      useFactory: (config: GatewayConfig, connection: NatsConnection) => {
        if (config.RATE_LIMITS === 'off') return null;
        const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
        let bucket: Promise<CounterBucket> | undefined;
        const open = () => {
          bucket ??= openCounterBucket(connection, {
            name: counterBucketName(),
            ttlMs: 2 * windowMs,
            replicas: config.RATE_LIMIT_STORE_REPLICAS,
            timeoutMs: STORE_TIMEOUT_MS,
          }).catch((error: Error) => {
            bucket = undefined;
            throw error;
          });
          return bucket;
        };
        open().catch((error: Error) =>
          new Logger('RateLimits').warn(
            `rate-limit bucket not opened at start (${error.message}); will retry`,
          ),
        );
        return new RateLimiter(
          {
            windowMs,
            staff: config.RATE_LIMIT_STAFF_PER_WINDOW,
            unauthenticated: config.RATE_LIMIT_UNAUTHENTICATED_PER_WINDOW,
            publicRoutes: config.RATE_LIMIT_PUBLIC_PER_WINDOW,
            phoneLookups: config.RATE_LIMIT_PHONE_LOOKUPS_PER_WINDOW,
            storePhoneLookups: config.RATE_LIMIT_STORE_PHONE_LOOKUPS_PER_WINDOW,
          },
          new KvRateLimitStore(open),
          new MemoryRateLimitStore(2 * windowMs),
        );
      },
    },
  ],
  exports: [RateLimiter],
})
export class RateLimitsModule {}
