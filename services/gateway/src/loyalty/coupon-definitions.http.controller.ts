import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CouponDefinitionList,
  CouponDefinitionRequest,
  CouponDefinitionView,
  IssueCouponsCommand,
  IssueCouponsRequest,
  IssueCouponsView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiHeaderFrom, ApiPathParams } from '../docs/api-parameters';
import { commandFrom } from '../http/command-from';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/loyalty/coupon-definitions')
export class CouponDefinitionsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Define a coupon (admin)',
    description:
      'Amount or percent off, minimum spend, eligible categories (prescription items only if ' +
      'rxEligible), validity (fixed dates and/or days after issue), per-member limit, and its ' +
      'purpose: automatic issues (welcome, birthday, compensation, referral) use the newest ' +
      'definition of their purpose; with none, nothing is issued.',
  })
  @ApiBody({ type: CouponDefinitionRequest })
  @ApiResponse({ status: 201, type: CouponDefinitionView })
  @ErrorResponses(400, 401, 403)
  create(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<CouponDefinitionView> {
    const request = validatePayload(CouponDefinitionRequest, body);
    return this.rpc.request(Subjects.loyalty.coupons.createDefinition, request, staff);
  }

  @Get()
  @Roles('admin', 'store_manager', 'hq_analyst')
  @ApiOperation({ summary: 'The coupon definitions, newest first' })
  @ApiResponse({ status: 200, type: CouponDefinitionList })
  @ErrorResponses(401, 403)
  list(@Staff() staff: StaffPrincipal): Promise<CouponDefinitionList> {
    return this.rpc.request(Subjects.loyalty.coupons.listDefinitions, {}, staff);
  }

  @Post(':definitionId/issues')
  @HttpCode(201)
  @Roles('admin', 'store_manager')
  @ApiOperation({
    summary: 'Issue a coupon to one member or to every member of a saved segment',
    description:
      'Each member gets one coupon per Idempotency-Key: a retry (e.g. after a timeout on a ' +
      'large segment) issues only what is missing. The per-member limit is a 409 for one ' +
      'member and a count for a segment.',
  })
  @ApiPathParams(IssueCouponsCommand, 'definitionId')
  @ApiHeaderFrom('Idempotency-Key', IssueCouponsCommand, 'idempotencyKey', '6f1c2d3e-issue-0001')
  @ApiBody({ type: IssueCouponsRequest })
  @ApiResponse({ status: 201, type: IssueCouponsView })
  @ErrorResponses(400, 401, 403, 404, 409, 410, 422)
  issue(
    @Param('definitionId') definitionId: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<IssueCouponsView> {
    const command = validatePayload(
      IssueCouponsCommand,
      commandFrom(body, {
        definitionId,
        idempotencyKey: idempotencyKey ?? '',
      }),
    );
    return this.rpc.request(Subjects.loyalty.coupons.issue, command, staff);
  }
}
