import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` lists each field and its reasons',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks a role this route needs, or this request needs (`code` says which, e.g. `SEGMENT.HEALTH_CRITERIA_FORBIDDEN`)',
  404: 'Not found',
  409: 'Conflicts with an existing record',
  422: 'Understood but refused by a business rule; `code` says which',
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

/**
 * Documents the CONTRACTS.md §1 error body for each status a route can answer with; 503 and
 * 504 (no service answered, or not in time) can come from any route.
 */
export const ErrorResponses = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, 503, 504].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], schema: ERROR_BODY }),
    ),
  );
