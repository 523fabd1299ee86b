/**
 * A command from a request's JSON body and the values the route itself fixes (path parameters,
 * the `Idempotency-Key` header): those win over the body's, and a body that is not an object
 * counts as empty, so validation names the missing fields instead of failing on the shape.
 */
export function commandFrom(
  body: unknown,
  fixed: Record<string, unknown>,
): Record<string, unknown> {
  return { ...(body && typeof body === 'object' ? body : {}), ...fixed };
}
