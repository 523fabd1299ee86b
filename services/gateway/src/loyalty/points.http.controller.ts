import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AdjustPointsCommand,
  AdjustPointsRequest,
  GetPointsRequest,
  PointsEntryView,
  PointsView,
  RedeemPointsCommand,
  RedeemPointsRequest,
  RedemptionView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff, StoreScope } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiHeaderFrom, ApiPathParams, ApiQueryFrom } from '../docs/api-parameters';
import { commandFrom } from '../http/command-from';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/members')
export class PointsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/points')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's points balance and newest ledger entries" })
  @ApiPathParams(GetPointsRequest, 'id')
  @ApiQueryFrom(GetPointsRequest, ['limit'], { limit: 50 })
  @ApiResponse({ status: 200, type: PointsView })
  @ErrorResponses(400, 401, 403)
  get(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<PointsView> {
    const request = validatePayload(GetPointsRequest, { ...query, id });
    return this.rpc.request(Subjects.loyalty.points, request, staff);
  }

  @Post(':id/points/redemptions')
  @HttpCode(201)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: 'Spend points on a catalogue reward (never more than the balance)',
    description:
      'A retry with the same Idempotency-Key gets the first answer, accepted or refused; a ' +
      'balance that does not cover the reward is a 409 with the balance; a reward unknown to ' +
      'the catalogue is a 400, an inactive or sold-out one a 409 (REWARD.UNAVAILABLE).',
  })
  @ApiPathParams(RedeemPointsCommand, 'id')
  @ApiHeaderFrom('Idempotency-Key', RedeemPointsCommand, 'idempotencyKey', '6f1c2d3e-redeem-0001')
  @ApiBody({ type: RedeemPointsRequest })
  @ApiResponse({ status: 201, type: RedemptionView })
  @ErrorResponses(400, 401, 403, 409, 410)
  redeem(
    @Param('id') id: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<RedemptionView> {
    const request = validatePayload(
      RedeemPointsCommand,
      commandFrom(body, { id, idempotencyKey: idempotencyKey ?? '' }),
    );
    return this.rpc.request(Subjects.loyalty.redeem, request, staff);
  }

  @Post(':id/points/adjustments')
  @StoreScope('home-store')
  @HttpCode(201)
  @Roles('store_manager', 'admin')
  @ApiOperation({
    summary: 'Correct a balance by hand, with a reason (store managers and admins)',
    description: 'A retry with the same Idempotency-Key adds nothing more.',
  })
  @ApiPathParams(AdjustPointsCommand, 'id')
  @ApiHeaderFrom('Idempotency-Key', AdjustPointsCommand, 'idempotencyKey', '6f1c2d3e-adjust-0001')
  @ApiBody({ type: AdjustPointsRequest })
  @ApiResponse({ status: 201, type: PointsEntryView })
  @ErrorResponses(400, 401, 403, 410)
  adjust(
    @Param('id') id: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<PointsEntryView> {
    const request = validatePayload(
      AdjustPointsCommand,
      commandFrom(body, { id, idempotencyKey: idempotencyKey ?? '' }),
    );
    return this.rpc.request(Subjects.loyalty.adjust, request, staff);
  }
}
