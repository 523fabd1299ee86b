import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CareAnalyticsRequest, CareAnalyticsView, Subjects, validatePayload } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

/** Worklist figures: counts only, no member. */
@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/analytics/care')
export class CareAnalyticsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles('store_manager', 'desk_agent', 'hq_analyst', 'admin')
  @ApiOperation({
    summary: 'Care tasks due in a period, per store or per staff member',
    description:
      'Done, done on time (by the end of the due day, store time), overdue, escalated, ' +
      'cancelled and the outcomes. A store manager sees their own store. `from` must precede ' +
      '`to`, at most 13 months apart (400 otherwise).',
  })
  @ApiResponse({ status: 200, type: CareAnalyticsView })
  @ErrorResponses(400, 401, 403)
  figures(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<CareAnalyticsView> {
    const request = validatePayload(CareAnalyticsRequest, query);
    return this.rpc.request(Subjects.carePlans.analytics, request, staff);
  }
}
