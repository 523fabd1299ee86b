import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '@crm/contracts';
import { PUBLIC_ROUTE } from '@crm/observability';
import { JwtVerifier } from '../auth/jwt-verifier';
import type { StaffPrincipal } from '../auth/roles';
import { GatewayConfig } from '../gateway.config';
import { clientAddress } from './client-address';
import { RateLimiter } from './rate-limiter';

/**
 * Runs before the auth guard, so requests without a valid token are limited too (by client
 * address: tokens cannot be guessed at speed). A valid token is verified here once and
 * remembered by the verifier, so the auth guard's check of it costs a map lookup.
 *
 * Every limited answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds) of its tightest limit; a refusal is a 429 with `Retry-After`
 * in the standard error body (`RATE.LIMITED`, `details: [{ scope, limit, windowSeconds,
 * retryAfterSeconds }]`).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly trustedProxies: number;
  private readonly windowSeconds: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
    @Inject(RateLimiter) private readonly limiter: RateLimiter | null,
    config: GatewayConfig,
  ) {
    this.trustedProxies = config.RATE_LIMIT_TRUSTED_PROXIES;
    this.windowSeconds = config.RATE_LIMIT_WINDOW_SECONDS;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { ips?: string[] }>();
    const publicRoute =
      this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? false;
    const decision = await this.limiter.check({
      method: request.method,
      route: request.routeOptions?.url ?? request.url,
      publicRoute,
      staff: publicRoute ? undefined : await this.staffOf(request),
      address: clientAddress(request.ips ?? [request.ip], this.trustedProxies),
    });
    if (!decision) return true;
    const reply = http.getResponse<FastifyReply>();
    void reply.header('ratelimit-limit', String(decision.limit.max));
    void reply.header('ratelimit-remaining', String(decision.remaining));
    void reply.header('ratelimit-reset', String(decision.resetSeconds));
    if (decision.allowed) return true;
    void reply.header('retry-after', String(decision.resetSeconds));
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      `Too many requests; try again in ${decision.resetSeconds} s`,
      [
        {
          scope: decision.limit.scope,
          limit: decision.limit.max,
          windowSeconds: this.windowSeconds,
          retryAfterSeconds: decision.resetSeconds,
        },
      ],
    );
  }

  /** The staff member of a valid bearer token; none for a missing or bad one (the auth guard answers it). */
  private async staffOf(request: FastifyRequest): Promise<StaffPrincipal | undefined> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
    try {
      return await this.verifier.verify(header.slice(7).trim());
    } catch {
      return undefined;
    }
  }
}
