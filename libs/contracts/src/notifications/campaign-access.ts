import { CHAIN_WIDE_ROLES, type ActingStaff, STORE_ADMIN_ROLE } from '../access/store-scope';
import { AppError, ErrorCode } from '../errors';
import type { NotificationPurpose } from './send-notification.dto';

/**
 * Who may message a saved segment (docs/access-rules.md §3, as for coupons): an admin any
 * segment; a store manager only a segment whose criteria select by `storeIds` naming their own
 * store alone, so every recipient is a member of their store. Refused with ACCESS.OTHER_STORE
 * on `segmentId`. Service and clinical campaigns need no marketing consent and count against
 * no cap, so they are sent chain-wide by admins only (CAMPAIGN.PURPOSE_FORBIDDEN).
 */
export function assertMayMessageSegment(
  actor: ActingStaff | undefined,
  segmentStoreIds: readonly string[] | undefined,
  purpose: NotificationPurpose,
): void {
  if (!actor || actor.roles.some((r) => (CHAIN_WIDE_ROLES as readonly string[]).includes(r)))
    return;
  if (purpose !== 'marketing')
    throw new AppError(
      ErrorCode.CAMPAIGN_PURPOSE_FORBIDDEN,
      `Only an admin sends a ${purpose} campaign: it reaches members without their marketing consent`,
      [{ field: 'purpose', reasons: ['a store manager sends marketing campaigns'] }],
    );
  const own =
    actor.roles.includes(STORE_ADMIN_ROLE) &&
    !!actor.storeId &&
    !!segmentStoreIds?.length &&
    segmentStoreIds.every((store) => store === actor.storeId);
  if (own) return;
  const store = actor.storeId ?? 'your store';
  throw new AppError(
    ErrorCode.ACCESS_OTHER_STORE,
    `A store manager messages only a segment of their own store's members (storeIds: ["${store}"]); ` +
      'an admin messages any segment',
    [{ field: 'segmentId', reasons: [`the segment must select by storeIds ["${store}"] alone`] }],
  );
}

/** A store manager sees and cancels the campaigns made for their store; admins every one. */
export function assertMayManageCampaign(
  actor: ActingStaff | undefined,
  campaignStoreId: string | null,
): void {
  if (!actor || actor.roles.some((r) => (CHAIN_WIDE_ROLES as readonly string[]).includes(r)))
    return;
  if (actor.roles.includes(STORE_ADMIN_ROLE) && actor.storeId && actor.storeId === campaignStoreId)
    return;
  throw new AppError(
    ErrorCode.ACCESS_OTHER_STORE,
    `The campaign was made for ${campaignStoreId ?? 'the whole chain'}: only its store's manager or an admin may see or cancel it`,
  );
}
