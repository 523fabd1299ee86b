import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type IssueCouponsCommand,
  type IssueCouponsView,
} from '@crm/contracts';
import { forEachConcurrently } from '@crm/messaging';
import { inSpan } from '@crm/observability';
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
 */
@Injectable()
export class IssueCoupons {
  constructor(
    private readonly definitions: CouponDefinitionsRepository,
    private readonly issueCoupon: IssueCoupon,
    private readonly members: MembersDirectory,
    private readonly erasures: ErasuresRepository,
  ) {}

  execute(command: IssueCouponsCommand): Promise<IssueCouponsView> {
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
      const issueTo = async (memberId: string) => {
        const cause = `manual:${definition._id}:${memberId}:${command.idempotencyKey}`;
        const result = await this.issueCoupon.execute(definition, memberId, cause, now);
        view.members++;
        if (result.outcome === 'issued') view.issued++;
        else if (result.outcome === 'existing') view.alreadyIssued++;
        else view.limitReached++;
        return result;
      };
      if (command.memberId) {
        await this.erasures.refuseIfErased(command.memberId);
        const result = await issueTo(command.memberId);
        if (result.outcome === 'limit')
          throw new AppError(
            ErrorCode.COUPON_LIMIT_REACHED,
            `The member holds ${definition.perMemberLimit} coupon(s) of this definition, its limit`,
          );
        return { ...view, codes: [result.coupon._id] };
      }
      for await (const page of this.members.segmentPages(command.segmentId!))
        await forEachConcurrently(page, ISSUE_CONCURRENCY, issueTo);
      return view;
    });
  }
}
