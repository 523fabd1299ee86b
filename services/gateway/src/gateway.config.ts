import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { BaseConfig } from '@crm/config';

export class GatewayConfig extends BaseConfig {
  @IsInt() @Min(1) @Max(65535) override HTTP_PORT: number = 3000;

  /** HS256 secret (CONTRACTS.md §1). Required unless a JWKS URL is given. */
  @ValidateIf((c: GatewayConfig) => !c.AUTH_JWKS_URL)
  @IsString()
  @MinLength(32, {
    message: 'AUTH_JWT_SECRET must be at least 32 characters (or set AUTH_JWKS_URL)',
  })
  AUTH_JWT_SECRET?: string;

  /** RS256 keys of a corporate identity provider. */
  @IsOptional() @IsUrl({ require_tld: false }) AUTH_JWKS_URL?: string;
  @IsOptional() @IsString() AUTH_JWT_ISSUER?: string;
  @IsOptional() @IsString() AUTH_JWT_AUDIENCE?: string;

  /** How long the gateway waits for a service before answering 503/504. */
  @IsInt() @Min(100) @Max(60000) NATS_REQUEST_TIMEOUT_MS: number = 5000;

  /**
   * Rate limits (rate-limits/): requests allowed per window, counted across replicas in
   * NATS KV. `off` only for benchmarks and tests that measure without them.
   */
  @IsIn(['on', 'off'], { message: 'RATE_LIMITS must be on or off' })
  RATE_LIMITS: 'on' | 'off' = 'on';
  @IsInt() @Min(1) @Max(3600) RATE_LIMIT_WINDOW_SECONDS: number = 60;
  /** Per staff member (every token of one staff id together). */
  @IsInt() @Min(1) RATE_LIMIT_STAFF_PER_WINDOW: number = 600;
  /** Phone lookups (`GET /members?phone=`) per staff member: a desk serves a customer a minute or two. */
  @IsInt() @Min(1) RATE_LIMIT_PHONE_LOOKUPS_PER_WINDOW: number = 30;
  /** Phone lookups per store, all its staff together. */
  @IsInt() @Min(1) RATE_LIMIT_STORE_PHONE_LOOKUPS_PER_WINDOW: number = 300;
  /** Requests without a valid token to a staff route (401s), per client address. */
  @IsInt() @Min(1) RATE_LIMIT_UNAUTHENTICATED_PER_WINDOW: number = 60;
  /** Requests to public routes (provider webhooks), per client address. */
  @IsInt() @Min(1) RATE_LIMIT_PUBLIC_PER_WINDOW: number = 6000;
  /**
   * Proxies in front of the gateway that append to `X-Forwarded-For` (the ingress: 1). The
   * client address is the entry that many hops from the socket; entries further left are
   * the client's own and ignored. 0 when clients connect directly.
   */
  @IsInt() @Min(0) @Max(10) RATE_LIMIT_TRUSTED_PROXIES: number = 1;
  /** Replicas of the counters' KV bucket when it is created (3 in a production cluster). */
  @IsIn([1, 3, 5]) RATE_LIMIT_STORE_REPLICAS: number = 1;

  /**
   * Each notification provider's webhook secret (CONTRACTS.md §4): `WEBHOOK_SECRET_<PROVIDER>`,
   * the provider name upper-cased. A provider without one has its callbacks refused (401).
   */
  @IsOptional() @IsString() @MinLength(16) WEBHOOK_SECRET_STUB?: string;
  @IsOptional() @IsString() @MinLength(16) WEBHOOK_SECRET_STUBALT?: string;
}
