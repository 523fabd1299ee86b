import { AppError, CHAIN_WIDE_ROLES, ErrorCode } from '@crm/contracts';
import type { RpcActor } from '@crm/messaging';

/**
 * Store scoping of complaint cases: staff of a store take and handle their store's cases; the
 * desk (desk agents) and admins every store's. hq_analyst sees aggregates only (the gateway
 * refuses it single cases). A request the service makes as itself (no actor) is not scoped.
 */
export function isChainWide(actor: RpcActor | undefined): boolean {
  return (
    !actor || actor.roles.some((role) => (CHAIN_WIDE_ROLES as readonly string[]).includes(role))
  );
}

export function assertMayHandleCase(
  actor: RpcActor | undefined,
  storeId: string,
  action: string,
): void {
  if (isChainWide(actor) || actor?.storeId === storeId) return;
  const where = actor?.storeId ? `you act for ${actor.storeId}` : 'you act for no store';
  throw new AppError(
    ErrorCode.ACCESS_OTHER_STORE,
    `Only ${storeId}'s staff, a desk agent or an admin may ${action} (${where})`,
  );
}

/** Refuses an action that needs one of `roles` (besides the store scope). */
export function assertHasRole(
  actor: RpcActor | undefined,
  roles: readonly string[],
  action: string,
): void {
  if (!actor || actor.roles.some((role) => roles.includes(role))) return;
  throw new AppError(ErrorCode.AUTH_FORBIDDEN, `Only ${roles.join(', ')} may ${action}`);
}

/** The role a step is recorded under: the first of the token's. */
export function recordedRole(actor: RpcActor | undefined): string | null {
  return actor?.roles[0] ?? null;
}
