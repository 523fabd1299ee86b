import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GetTierRequest, Subjects, TierView, validatePayload } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams } from '../docs/api-parameters';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/members')
export class TiersHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/tier')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: "A member's tier, its benefits and the progress to the next one",
    description:
      'Measured on the rolling 12-month spend; a tier is raised as soon as it is reached and ' +
      'lowered only at the yearly review.',
  })
  @ApiPathParams(GetTierRequest, 'id')
  @ApiResponse({ status: 200, type: TierView })
  @ErrorResponses(400, 401, 403)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<TierView> {
    return this.rpc.request(Subjects.loyalty.tier, validatePayload(GetTierRequest, { id }), staff);
  }
}
