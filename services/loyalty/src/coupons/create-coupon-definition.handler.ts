import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AppError,
  type CouponDefinitionRequest,
  type CouponDefinitionView,
  ErrorCode,
  type FieldError,
} from '@crm/contracts';
import {
  type CouponDefinitionDocument,
  CouponDefinitionsRepository,
} from './coupon-definitions.repository';
import { couponDefinitionView } from './coupon-views';

/** Stores a coupon definition (admin) once its fields agree with each other. */
@Injectable()
export class CreateCouponDefinition {
  constructor(private readonly definitions: CouponDefinitionsRepository) {}

  async execute(
    request: CouponDefinitionRequest,
    staffId: string | undefined,
    now = new Date(),
  ): Promise<CouponDefinitionView> {
    const errors = crossFieldErrors(request, now);
    if (errors.length > 0)
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Some fields are invalid', errors);
    const definition: CouponDefinitionDocument = {
      _id: randomUUID(),
      name: request.name.trim(),
      purpose: request.purpose,
      ...(request.amountOffCents !== undefined ? { amountOffCents: request.amountOffCents } : {}),
      ...(request.percentOff !== undefined ? { percentOff: request.percentOff } : {}),
      ...(request.maxDiscountCents !== undefined
        ? { maxDiscountCents: request.maxDiscountCents }
        : {}),
      minimumSpendCents: request.minimumSpendCents ?? 0,
      eligibleCategories: [...new Set(request.eligibleCategories ?? [])],
      rxEligible: request.rxEligible ?? false,
      ...(request.validFrom ? { validFrom: new Date(request.validFrom) } : {}),
      ...(request.validUntil ? { validUntil: new Date(request.validUntil) } : {}),
      ...(request.validDaysAfterIssue !== undefined
        ? { validDaysAfterIssue: request.validDaysAfterIssue }
        : {}),
      ...(request.perMemberLimit !== undefined ? { perMemberLimit: request.perMemberLimit } : {}),
      ...(staffId ? { createdBy: staffId } : {}),
      createdAt: now,
    };
    await this.definitions.insert(definition);
    return couponDefinitionView(definition);
  }
}

/** What single-field validation cannot see: pairs of fields that contradict each other. */
export function crossFieldErrors(request: CouponDefinitionRequest, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (request.amountOffCents !== undefined && request.percentOff !== undefined)
    errors.push({ field: 'percentOff', reasons: ['give either amountOffCents or percentOff'] });
  if (request.maxDiscountCents !== undefined && request.percentOff === undefined)
    errors.push({ field: 'maxDiscountCents', reasons: ['caps a percentOff discount only'] });
  if (request.validUntil === undefined && request.validDaysAfterIssue === undefined)
    errors.push({
      field: 'validUntil',
      reasons: ['give validUntil, validDaysAfterIssue or both: a coupon must end'],
    });
  if (request.validUntil !== undefined) {
    const until = new Date(request.validUntil);
    if (until <= now) errors.push({ field: 'validUntil', reasons: ['must be in the future'] });
    if (request.validFrom !== undefined && until <= new Date(request.validFrom))
      errors.push({ field: 'validUntil', reasons: ['must be after validFrom'] });
  }
  return errors;
}
