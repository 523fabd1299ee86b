import { AppError, ErrorCode } from '../errors';
import { maySeeHealth } from '../members/member.view';

/**
 * Store scoping (docs/access-rules.md). Membership is chain-wide: staff of any store look a
 * member up, serve them and redeem at the till. Administrative changes (home-store moves,
 * profile edits beyond contact details, manual adjustments, bonuses, coupon issues) belong to
 * the member's home-store manager, a desk agent or an admin. The services that own the data
 * decide with these functions, against the staff member the gateway names (`x-actor`).
 */

/** The staff member acting, as the gateway verified it (`RpcActor`); undefined: a service. */
export interface ActingStaff {
  sub: string;
  roles: readonly string[];
  storeId?: string;
}

/** What the rule needs of a member: their home store (null: registered online or by hotline). */
export interface MemberScope {
  homeStoreId: string | null;
}

/** Roles that administer any member, whatever their own store. */
export const CHAIN_WIDE_ROLES = ['desk_agent', 'admin'] as const;

/** The role that administers the members of its own store. */
export const STORE_ADMIN_ROLE = 'store_manager';

/**
 * Profile fields anyone serving the member may change at any store's till: contact details
 * (the phone is the member's identity and is not changed by a profile edit) and the member's
 * own consents, which PIPL wants as easy to withdraw as to give.
 */
export const TILL_FIELDS = ['email', 'landline', 'address', 'consents', 'consentChannel'] as const;

/**
 * Health details are recorded by a pharmacist at whichever counter learns them (an allergy
 * told at another store must not wait for the home store), besides the administrators.
 */
export const CLINICAL_FIELDS = ['health'] as const;

function isChainWide(actor: ActingStaff): boolean {
  return actor.roles.some((role) => (CHAIN_WIDE_ROLES as readonly string[]).includes(role));
}

/**
 * True when the actor may make an administrative change to the member: a service (no actor),
 * a desk agent or an admin; or the store manager of the member's home store. A member with no
 * home store is administered by desk agents and admins only.
 */
export function mayAdminister(actor: ActingStaff | undefined, member: MemberScope): boolean {
  if (!actor) return true;
  if (isChainWide(actor)) return true;
  return (
    actor.roles.includes(STORE_ADMIN_ROLE) &&
    !!actor.storeId &&
    member.homeStoreId !== null &&
    actor.storeId === member.homeStoreId
  );
}

/** Who may administer the member, in words, for refusals and docs. */
export function administratorsOf(member: MemberScope): string {
  return member.homeStoreId === null
    ? 'a desk agent or an admin (the member has no home store)'
    : `${member.homeStoreId}'s store manager, a desk agent or an admin`;
}

/**
 * Refuses (ACCESS.OTHER_STORE, 403) an administrative change the actor may not make. `action`
 * completes "may …" in the message; `fields` name what was asked for, one detail each.
 */
export function assertMayAdminister(
  actor: ActingStaff | undefined,
  member: MemberScope,
  action: string,
  fields: readonly string[] = [],
): void {
  if (mayAdminister(actor, member)) return;
  const where = actor?.storeId ? `you act for ${actor.storeId}` : 'you act for no store';
  const message =
    member.homeStoreId === null
      ? `The member has no home store: only a desk agent or an admin may ${action} (${where})`
      : `Only ${administratorsOf(member)} may ${action} (the member's home store is ${member.homeStoreId}; ${where})`;
  throw new AppError(
    ErrorCode.ACCESS_OTHER_STORE,
    message,
    fields.map((field) => ({
      field,
      reasons: [`changing ${field} needs ${administratorsOf(member)}`],
    })),
  );
}

/**
 * The profile fields of a change that are administrative for this actor: everything but the
 * till fields, and health details too unless the actor is of a role that may see them.
 */
export function administrativeProfileFields(
  fields: readonly string[],
  actor: ActingStaff | undefined,
): string[] {
  const clinician = maySeeHealth(actor?.roles);
  return fields.filter(
    (field) =>
      !(TILL_FIELDS as readonly string[]).includes(field) &&
      !(clinician && (CLINICAL_FIELDS as readonly string[]).includes(field)),
  );
}

/**
 * The store a staff action came from and whether it was another store than the member's home
 * store, kept on the record of every staff action (history, ledger entries, coupons).
 * `crossStore` is null when either side has no store (HQ staff, online members) or when the
 * member's home store could not be learned.
 */
export interface ActingStore {
  actorStoreId: string | null;
  crossStore: boolean | null;
}

export function actingStore(
  actor: ActingStaff | undefined,
  member: MemberScope | undefined,
): ActingStore {
  const actorStoreId = actor?.storeId ?? null;
  const crossStore =
    actorStoreId === null || !member || member.homeStoreId === null
      ? null
      : actorStoreId !== member.homeStoreId;
  return { actorStoreId, crossStore };
}

/**
 * Issuing to a saved segment is an administrative change for each member in it: chain-wide
 * roles may; a store manager only to a segment limited to their own store's members (its
 * `storeIds` criterion names their store alone). Refused with ACCESS.OTHER_STORE.
 */
export function assertMayIssueToSegment(
  actor: ActingStaff | undefined,
  segmentStoreIds: readonly string[] | undefined,
): void {
  if (!actor || isChainWide(actor)) return;
  const own =
    actor.roles.includes(STORE_ADMIN_ROLE) &&
    !!actor.storeId &&
    !!segmentStoreIds?.length &&
    segmentStoreIds.every((store) => store === actor.storeId);
  if (own) return;
  const store = actor.storeId ?? 'your store';
  throw new AppError(
    ErrorCode.ACCESS_OTHER_STORE,
    `A store manager issues only to a segment of their own store's members (storeIds: ["${store}"]); ` +
      'a desk agent or an admin issues to any segment',
    [
      {
        field: 'segmentId',
        reasons: [`the segment must select by storeIds ["${store}"] alone`],
      },
    ],
  );
}
