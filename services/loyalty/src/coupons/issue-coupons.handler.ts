import { Injectable } from '@nestjs/common';
import {
  actingStore,
  AppError,
  assertMayIssueToSegment,
  ErrorCode,
  type IssueCouponsCommand,
  type IssueCouponsView,
} from '@crm/contracts';
import { forEachConcurrently, type RpcActor } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { MemberAdministration } from '../access/member-administration';
import type { StaffStamp } from '../access/staff-stamp';
import { CouponDefinitionsRepository } from './coupon-definitions.repository';
import { ErasuresRepository } from '../privacy/erasures.repository';
import { IssueCoupon } from './issue-coupon';
import { MembersDirectory } from './members-directory';

/** Issues at once for a segment: overlaps the store's round trips without flooding it. */
const ISSUE_CONCURRENCY = 8;

/**
 * Staff issue a definition to one member or to a saved segment. Each member's coupon is keyed
 * by `manual:<definition>:<member>:<idempotency key>`, so a retried request (after a timeout on a
 * large segment, say) issues only what is missing. Not to an erased member (`MEMBER.ERASED`);
 * segments never list erased members (the members service keeps no criteria for them).
 *
 * Store scoping (docs/access-rules.md): to one member, the home store's manager or an admin; to
 * a segment, an admin, or a store manager for a segment of their own store's members alone.
 * The segment's members are asked for on behalf of the staff member (`x-actor`), so the members
 * service refuses a health segment to roles that may not see health data.
 */
@Injectable()
export class IssueCoupons {
  constructor(
    private readonly definitions: CouponDefinitionsRepository,
    private readonly issueCoupon: IssueCoupon,
    private readonly members: MembersDirectory,
    private readonly erasures: ErasuresRepository,
    private readonly access: MemberAdministration,
  ) {}

  execute(command: IssueCouponsCommand, actor?: RpcActor): Promise<IssueCouponsView> {
    return inSpan('loyalty.coupons.issue', async () => {
      if (command.memberId && command.segmentId)
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some fields are invalid', [
          { field: 'segmentId', reasons: ['give memberId or segmentId, not both'] },
        ]);
      const now = new Date();
      const definition = await this.definitions.find(command.definitionId);
      if (!definition)
        throw new AppError(ErrorCode.NOT_FOUND, `No coupon definition ${command.definitionId}`);
      if (definition.validUntil && definition.validUntil <= now)
        throw new AppError(
          ErrorCode.COUPON_DEFINITION_ENDED,
          `The definition ended at ${definition.validUntil.toISOString()}`,
        );
      const view: IssueCouponsView = {
        definitionId: definition._id,
        members: 0,
        issued: 0,
        alreadyIssued: 0,
        limitReached: 0,
      };
      const issueTo = async (memberId: string, issuedBy: StaffStamp) => {
        const cause = `manual:${definition._id}:${memberId}:${command.idempotencyKey}`;
        const result = await this.issueCoupon.execute(definition, memberId, cause, now, issuedBy);
        view.members++;
        if (result.outcome === 'issued') view.issued++;
        else if (result.outcome === 'existing') view.alreadyIssued++;
        else view.limitReached++;
        return result;
      };
      if (command.memberId) {
        const staff = await this.access.authorize(command.memberId, actor, 'issue coupons');
        await this.erasures.refuseIfErased(command.memberId);
        const result = await issueTo(command.memberId, staff);
        if (result.outcome === 'limit')
          throw new AppError(
            ErrorCode.COUPON_LIMIT_REACHED,
            `The member holds ${definition.perMemberLimit} coupon(s) of this definition, its limit`,
          );
        return { ...view, codes: [result.coupon._id] };
      }
      const segment = await this.members.segment(command.segmentId!, actor);
      assertMayIssueToSegment(actor, segment.criteria.storeIds);
      // One store named: every member's home store is it, so the acting store is known for all.
      const only = segment.criteria.storeIds?.length === 1 ? segment.criteria.storeIds[0] : null;
      const issuedBy: StaffStamp = actor
        ? { staffId: actor.sub, ...actingStore(actor, only ? { homeStoreId: only } : undefined) }
        : {};
      for await (const page of this.members.segmentPages(command.segmentId!, actor))
        await forEachConcurrently(page, ISSUE_CONCURRENCY, (memberId) =>
          issueTo(memberId, issuedBy),
        );
      return view;
    });
  }
}
