import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { failpoint } from '@crm/config';
import { AppError, ErrorCode, isErrorPayload } from '@crm/contracts';
import { inSpan } from '@crm/observability';
import type { CaseVersion, CompensationOutcome } from '../cases/case-version';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { LoyaltyClient } from './loyalty-client';

/** Failures worth asking again: nobody answered, or not in time, or loyalty failed inside. */
const RETRYABLE = new Set<string>([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.INTERNAL,
  ErrorCode.MEMBER_CHANGED,
]);

/**
 * Carries out a compensation decided with a resolution. The decision is recorded first (in the
 * resolve step's own insert, flagged `compensationPending`); then loyalty is asked under the
 * decision's key, which makes its effect happen once however often it is asked; then its answer
 * is recorded and the flag cleared. A crash anywhere in between leaves the flag, and the next
 * recovery pass of any replica asks again: at least once asked, exactly once given.
 */
@Injectable()
export class GrantCompensation {
  constructor(
    private readonly loyalty: LoyaltyClient,
    private readonly versions: CaseVersionsRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(GrantCompensation.name);
  }

  /** Returns the outcome recorded, or undefined when loyalty is to be asked again later. */
  execute(step: CaseVersion): Promise<CompensationOutcome | undefined> {
    return inSpan('complaints.compensation.grant', async () => {
      const decision = step.change.compensation;
      if (!decision) return undefined;
      // The member as the intake holds it now: a merge since the decision moves it to the
      // survivor, an erasure leaves nobody to give it to.
      const memberId = await this.versions.memberOf(step.caseId);
      let outcome: CompensationOutcome;
      try {
        if (memberId === null)
          throw new AppError(ErrorCode.MEMBER_ERASED, 'The member was erased before it was given');
        if (decision.kind === 'coupon') {
          const coupon = await this.loyalty.compensateWithCoupon(memberId, decision.key);
          outcome = { state: 'granted', couponCode: coupon.code, at: new Date() };
        } else {
          await this.loyalty.adjustPoints(
            memberId,
            decision.points!,
            `Compensation for complaint ${step.caseId}${decision.round > 1 ? ` (round ${decision.round})` : ''}`,
            decision.key,
          );
          outcome = { state: 'granted', at: new Date() };
        }
      } catch (error) {
        const code = isErrorPayload(error) ? error.code : ErrorCode.INTERNAL;
        if (RETRYABLE.has(code)) {
          this.logger.warn(
            { err: error, caseId: step.caseId, key: decision.key },
            'compensation not confirmed by loyalty; the recovery pass asks again',
          );
          return undefined;
        }
        outcome = {
          state: 'failed',
          errorCode: code,
          errorMessage: isErrorPayload(error) ? error.message : String(error),
          at: new Date(),
        };
      }
      failpoint('complaints.compensation.granted'); // given by loyalty, not recorded here yet
      await this.versions.compensationRecorded(step._id, outcome);
      return outcome;
    });
  }
}
