import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` lists each field and its reasons',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks a role this route needs, or this request needs (`code` says which, e.g. `SEGMENT.HEALTH_CRITERIA_FORBIDDEN`)',
  404: 'Not found',
  409: 'Conflicts with an existing record or the current state',
  410: 'The member was erased (`MEMBER.ERASED`)',
  413: 'The body is larger than this route takes',
  414: 'A part of the path, or the whole URI, is too long (`REQUEST.URI_TOO_LONG`)',
  415: 'The body is not JSON (`Content-Type` other than application/json)',
  422: 'Understood but refused by a business rule; `code` says which',
  429: 'Too many requests (`RATE.LIMITED`): a rate limit of the staff member, their store or the client address is spent for this window; `details` names the limit, wait `Retry-After` seconds',
  431: "The request's headers are too large (`REQUEST.HEADERS_TOO_LARGE`)",
  503: 'A service behind the gateway is unavailable (`UPSTREAM.UNAVAILABLE`)',
  504: 'The service behind the gateway did not answer within NATS_REQUEST_TIMEOUT_MS (`UPSTREAM.TIMEOUT`); the request may still take effect, so retry with the same idempotency key where the route takes one',
};

/** CONTRACTS.md §1: every error answer's body (the component `ErrorBody`). */
export const ERROR_BODY = {
  type: 'object',
  required: ['error'],
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
export const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
  'RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
  'RateLimit-Remaining': {
    description: 'Requests left in the window',
    schema: { type: 'integer' },
  },
  'RateLimit-Reset': { description: 'Seconds until the window ends', schema: { type: 'integer' } },
};

/**
 * Documents the statuses particular to a route (404, 409, 410, 422, …), in the error body.
 * What any route can answer (400, 401, 403, 413, 414, 415, 429, 431, 503, 504) is added to
 * every operation of the document by completeApiDocument.
 */
export const ErrorResponses = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        schema: { $ref: '#/components/schemas/ErrorBody' },
      }),
    ),
  );
