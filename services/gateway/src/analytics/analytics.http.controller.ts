import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AppError,
  ErrorCode,
  MemberAnalytics,
  MemberAnalyticsRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiQueryFrom } from '../docs/api-parameters';

const ANALYTICS_QUERY = ['from', 'to', 'storeId', 'by'];

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('api/v1/analytics')
export class AnalyticsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get('members')
  @Roles('hq_analyst', 'admin', 'store_manager')
  @ApiOperation({
    summary:
      'Member counts, new and lapsed members, average ticket and return rate for a period, by store and dimension (aggregates only)',
    description:
      "For hq_analyst, figures that count 1 to MIN_GROUP_SIZE − 1 people, or derive from so few (spend, average ticket, return rate of few buyers), are null and named in each cell's `withheld`; further groups are withheld with them so that totals minus the shown groups cannot give a small count back. `minGroupSize` says which size applied (null: exact figures).",
  })
  @ApiQueryFrom(MemberAnalyticsRequest, ANALYTICS_QUERY, { from: '2026-01', to: '2026-11' })
  @ApiResponse({ status: 200, type: MemberAnalytics })
  @ErrorResponses(400, 401, 403)
  members(@Query() query: unknown, @Staff() staff: StaffPrincipal): Promise<MemberAnalytics> {
    const request = validatePayload(MemberAnalyticsRequest, query);
    // A store manager sees their own store; chain-wide figures are for HQ and admins.
    const chainWide = staff.roles.some((role) => role === 'hq_analyst' || role === 'admin');
    if (!chainWide) {
      if (request.storeId && request.storeId !== staff.storeId)
        throw new AppError(
          ErrorCode.AUTH_FORBIDDEN,
          "A store manager sees only their own store's figures",
        );
      request.storeId = staff.storeId;
    }
    return this.rpc.request(Subjects.members.analytics, request, staff);
  }
}
