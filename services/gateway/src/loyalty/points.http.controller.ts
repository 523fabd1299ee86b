import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GetPointsRequest, PointsView, Subjects, validatePayload } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/members')
export class PointsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/points')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's points balance and newest ledger entries" })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
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
}
