import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CareTaskPage,
  CareTaskView,
  CompleteCareTaskCommand,
  CompleteCareTaskRequest,
  ListCareTasksRequest,
  ReassignCareTaskCommand,
  ReassignCareTaskRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/** The staff worklist: follow-up calls and visits, plan tasks. */
@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/care-tasks')
export class CareTasksHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles('store_clerk', 'pharmacist', 'store_manager', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Care tasks by due time, filtered by assignee, store, due, status and member (paged)',
  })
  @ApiResponse({ status: 200, type: CareTaskPage })
  @ErrorResponses(400, 401, 403)
  list(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<CareTaskPage> {
    const request = validatePayload(ListCareTasksRequest, query);
    return this.rpc.request(Subjects.carePlans.tasks.list, request, staff);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles('store_clerk', 'pharmacist', 'store_manager', 'desk_agent')
  @ApiOperation({
    summary: 'Complete a care task with its outcome and a note',
    description: 'Asking again answers the task as completed; a cancelled task is a 409.',
  })
  @ApiBody({ type: CompleteCareTaskRequest })
  @ApiResponse({ status: 200, type: CareTaskView })
  @ErrorResponses(400, 401, 403, 404, 409)
  complete(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CareTaskView> {
    const command = validatePayload(CompleteCareTaskCommand, commandFrom(body, { id }));
    return this.rpc.request(Subjects.carePlans.tasks.complete, command, staff);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @Roles('pharmacist', 'store_manager', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Give an open or escalated care task to another staff member',
    description:
      'Staff of the task’s store, a desk agent or an admin (403 `ACCESS.OTHER_STORE` for ' +
      'another store’s staff); a closed task is a 409. The same reassignment again changes nothing.',
  })
  @ApiBody({ type: ReassignCareTaskRequest })
  @ApiResponse({ status: 200, type: CareTaskView })
  @ErrorResponses(400, 401, 403, 404, 409)
  reassign(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CareTaskView> {
    const command = validatePayload(ReassignCareTaskCommand, commandFrom(body, { id }));
    return this.rpc.request(Subjects.carePlans.tasks.reassign, command, staff);
  }
}
