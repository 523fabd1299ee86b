import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` lists each field and its reasons',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks a role this route needs, or this request needs (`code` says which, e.g. `SEGMENT.HEALTH_CRITERIA_FORBIDDEN`)',
  404: 'Not found',
  409: 'Conflicts with an existing record',
  422: 'Understood but refused by a business rule; `code` says which',
  429: 'Too many requests (`RATE.LIMITED`): a rate limit of the staff member, their store or the client address is spent for this window; `details` names the limit, wait `Retry-After` seconds',
  503: 'A service behind the gateway is unavailable (`UPSTREAM.UNAVAILABLE`)',
  504: 'The service behind the gateway did not answer within NATS_REQUEST_TIMEOUT_MS (`UPSTREAM.TIMEOUT`); the request may still take effect, so retry with the same idempotency key where the route takes one',
};

const ERROR_BODY = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', example: 'VALIDATION.FAILED' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

/** What a 429 carries besides the body (rate-limits/rate-limit.guard.ts). */
const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
  'RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
  'RateLimit-Remaining': {
    description: 'Requests left in the window',
    schema: { type: 'integer' },
  },
  'RateLimit-Reset': { description: 'Seconds until the window ends', schema: { type: 'integer' } },
};

/**
 * Documents the CONTRACTS.md §1 error body for each status a route can answer with; 429
 * (a rate limit), 503 and 504 (no service answered, or not in time) can come from any route.
 */
export const ErrorResponses = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, 429, 503, 504].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        schema: ERROR_BODY,
        ...(status === 429 ? { headers: RATE_LIMIT_HEADERS } : {}),
      }),
    ),
  );
