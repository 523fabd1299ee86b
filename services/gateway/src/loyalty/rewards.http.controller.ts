import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  RewardFields,
  RewardList,
  RewardRequest,
  RewardView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams } from '../docs/api-parameters';
import { commandFrom } from '../http/command-from';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/loyalty/rewards')
export class RewardsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Add a reward to the catalogue (admin)',
    description: 'Redemptions name it by rewardId; an id already in the catalogue is a 409.',
  })
  @ApiBody({ type: RewardRequest })
  @ApiResponse({ status: 201, type: RewardView })
  @ErrorResponses(400, 401, 403, 409)
  create(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<RewardView> {
    const request = validatePayload(RewardRequest, body);
    return this.rpc.request(Subjects.loyalty.rewards.create, request, staff);
  }

  @Put(':rewardId')
  @Roles('admin')
  @ApiOperation({
    summary: "Replace a reward's offer: name, points, active, stock (admin)",
    description:
      'An inactive reward is refused to new redemptions (409); a stock left out means no limit.',
  })
  @ApiPathParams(RewardRequest, 'rewardId')
  @ApiBody({ type: RewardFields })
  @ApiResponse({ status: 200, type: RewardView })
  @ErrorResponses(400, 401, 403, 404)
  update(
    @Param('rewardId') rewardId: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<RewardView> {
    const request = validatePayload(
      RewardRequest,
      commandFrom(body, {
        rewardId,
      }),
    );
    return this.rpc.request(Subjects.loyalty.rewards.update, request, staff);
  }

  // Everyone who redeems for members needs to see what may be redeemed.
  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'The reward catalogue, inactive rewards included' })
  @ApiResponse({ status: 200, type: RewardList })
  @ErrorResponses(401, 403)
  list(@Staff() staff: StaffPrincipal): Promise<RewardList> {
    return this.rpc.request(Subjects.loyalty.rewards.list, {}, staff);
  }
}
