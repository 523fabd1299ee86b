import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CallTaskList, ListCallTasksRequest, Subjects, validatePayload } from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

/** Messages on the `call` channel: calls for staff to make, never sent to a provider. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/call-tasks')
export class CallTasksHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'Open call tasks, oldest due first, optionally of one home store' })
  @ApiResponse({ status: 200, type: CallTaskList })
  @ErrorResponses(400, 401, 403)
  list(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<CallTaskList> {
    return this.rpc.request(
      Subjects.notifications.callTasks,
      validatePayload(ListCallTasksRequest, query),
      staff,
    );
  }
}
