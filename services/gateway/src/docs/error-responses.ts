import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` lists each field and its reasons',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks a role this route needs',
  404: 'Not found',
  409: 'Conflicts with an existing record',
  422: 'Understood but refused by a business rule; `code` says which',
  503: 'A service behind the gateway is unavailable',
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

/** Documents the CONTRACTS.md §1 error body for each status a route can answer with. */
export const ErrorResponses = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, 503].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], schema: ERROR_BODY }),
    ),
  );
