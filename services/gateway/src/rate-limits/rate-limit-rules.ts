import { createHash } from 'node:crypto';
import type { Limit } from './fixed-window';

/** Requests allowed per window, by scope (GatewayConfig's RATE_LIMIT_* settings). */
export interface RateLimitSettings {
  windowMs: number;
  staff: number;
  unauthenticated: number;
  publicRoutes: number;
  phoneLookups: number;
  storePhoneLookups: number;
}

/** What the rules need to know of a request. */
export interface RequestFacts {
  method: string;
  /** The matched route's pattern, e.g. `/api/v1/members/:id`. */
  route: string;
  /** Marked public (webhooks): no staff token is expected. */
  publicRoute: boolean;
  /** The staff member of a valid token, if any. */
  staff?: { sub: string; storeId?: string };
  /** The client's address (client-address.ts). */
  address: string;
}

/** Probes, metrics and docs: never limited (an orchestrator or a scraper must always get through). */
const UNLIMITED_PREFIXES = ['/health', '/metrics', '/api/docs'];

/** The lookup that can enumerate the phone space (`GET /members?phone=`). */
const PHONE_LOOKUP_ROUTE = '/api/v1/members';

/**
 * The limits a request counts against:
 * - with a valid staff token, the staff member's (by staff id, so several tokens of one
 *   person share one count);
 * - a phone lookup also its own, tighter, per staff member and per store (the store's
 *   desks together cannot enumerate faster than one store's trade needs);
 * - a public route (provider webhooks) by client address, with a limit for a provider's
 *   delivery receipts;
 * - any other request without a valid token (it will be a 401) by client address, so
 *   tokens cannot be guessed at speed.
 * Subjects are hashed: the shared store holds no staff ids or addresses, and every subject
 * fits the store's key alphabet.
 */
export function limitsFor(request: RequestFacts, settings: RateLimitSettings): Limit[] {
  if (UNLIMITED_PREFIXES.some((prefix) => request.route.startsWith(prefix))) return [];
  if (request.publicRoute)
    return [{ scope: 'public', subject: keySafe(request.address), max: settings.publicRoutes }];
  if (!request.staff)
    return [
      {
        scope: 'unauthenticated',
        subject: keySafe(request.address),
        max: settings.unauthenticated,
      },
    ];
  const staff = keySafe(request.staff.sub);
  const limits: Limit[] = [{ scope: 'staff', subject: staff, max: settings.staff }];
  if (request.method === 'GET' && request.route === PHONE_LOOKUP_ROUTE) {
    limits.push({ scope: 'phone-lookup', subject: staff, max: settings.phoneLookups });
    if (request.staff.storeId)
      limits.push({
        scope: 'store-phone-lookup',
        subject: keySafe(request.staff.storeId),
        max: settings.storePhoneLookups,
        afterOthers: true,
      });
  }
  return limits;
}

/** 16 bytes of SHA-256, base64url: letters, digits, `-` and `_` only. */
export function keySafe(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
