import type { ErrorPayload } from '@crm/contracts';

/** CONTRACTS.md §1: every error answer's body. */
export function errorBody(error: ErrorPayload): { error: Required<ErrorPayload> } {
  return { error: { code: error.code, message: error.message, details: error.details ?? [] } };
}
