import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CompensateWithCouponCommand,
  CompensateWithCouponRequest,
  CouponList,
  CouponRedemptionView,
  CouponView,
  ListCouponsRequest,
  RedeemCouponCommand,
  RedeemCouponRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff, StoreScope } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiHeaderFrom, ApiPathParams } from '../docs/api-parameters';
import { commandFrom } from '../http/command-from';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/members')
export class CouponsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/coupons')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's coupons, newest first: available, redeemed or expired" })
  @ApiPathParams(ListCouponsRequest, 'id')
  @ApiResponse({ status: 200, type: CouponList })
  @ErrorResponses(400, 401, 403)
  list(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<CouponList> {
    const request = validatePayload(ListCouponsRequest, { id });
    return this.rpc.request(Subjects.loyalty.coupons.list, request, staff);
  }

  @Post(':id/coupons/:code/redemptions')
  @HttpCode(201)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: 'Redeem a coupon on an order (each code at most once)',
    description:
      'Answers the discount. Checks the owner, validity, eligible items and minimum spend; a ' +
      'refusal is a 404/409/422 with its reason code (COUPON.*). A retry with the same ' +
      'Idempotency-Key gets the first accepted answer.',
  })
  @ApiPathParams(RedeemCouponCommand, 'id', 'code')
  @ApiHeaderFrom('Idempotency-Key', RedeemCouponCommand, 'idempotencyKey', '6f1c2d3e-coupon-0001')
  @ApiBody({ type: RedeemCouponRequest })
  @ApiResponse({ status: 201, type: CouponRedemptionView })
  @ErrorResponses(400, 401, 403, 404, 409, 410, 422)
  redeem(
    @Param('id') id: string,
    @Param('code') code: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CouponRedemptionView> {
    const command = validatePayload(
      RedeemCouponCommand,
      commandFrom(body, {
        id,
        code,
        idempotencyKey: idempotencyKey ?? '',
      }),
    );
    return this.rpc.request(Subjects.loyalty.coupons.redeem, command, staff);
  }

  @Post(':id/coupons/compensations')
  @StoreScope('home-store')
  @HttpCode(201)
  @Roles('desk_agent', 'store_manager', 'admin')
  @ApiOperation({
    summary: 'Compensate a complaint with a coupon (one per complaint)',
    description:
      'Uses the newest definition with purpose "compensation" (422 COUPON.NOT_CONFIGURED if ' +
      'none). Asking again for the same complaint answers the coupon issued the first time. ' +
      'The complaints service will call the same NATS subject when a complaint is resolved.',
  })
  @ApiPathParams(CompensateWithCouponCommand, 'id')
  @ApiBody({ type: CompensateWithCouponRequest })
  @ApiResponse({ status: 201, type: CouponView })
  @ErrorResponses(400, 401, 403, 409, 410, 422)
  compensate(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CouponView> {
    const command = validatePayload(
      CompensateWithCouponCommand,
      commandFrom(body, {
        id,
      }),
    );
    return this.rpc.request(Subjects.loyalty.coupons.compensate, command, staff);
  }
}
