import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ChangeCarePlanCommand,
  ChangeCarePlanRequest,
  CarePlanList,
  CarePlanView,
  EnrolCarePlanCommand,
  EnrolCarePlanRequest,
  MemberCarePlansRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/** A member's chronic-care plans: which plan says which condition, so health roles only. */
@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/members')
export class CarePlansHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post(':id/care-plans')
  @HttpCode(201)
  @Roles('pharmacist', 'desk_agent')
  @ApiOperation({
    summary: 'Enrol a member in a care plan',
    description:
      'Needs the member’s health-data consent (409 `CARE.HEALTH_CONSENT_REQUIRED`); one active ' +
      'or paused plan per template (409 `CARE.PLAN_ACTIVE`). The steps become tasks for staff ' +
      'and scheduled messages to the member.',
  })
  @ApiBody({ type: EnrolCarePlanRequest })
  @ApiResponse({ status: 201, type: CarePlanView })
  @ErrorResponses(400, 401, 403, 404, 409, 503)
  enrol(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CarePlanView> {
    const command = validatePayload(EnrolCarePlanCommand, commandFrom(body, { memberId: id }));
    return this.rpc.request(Subjects.carePlans.plans.enrol, command, staff);
  }

  @Get(':id/care-plans')
  @Roles('pharmacist', 'desk_agent', 'admin')
  @ApiOperation({ summary: 'A member’s care plans, newest first, with their history' })
  @ApiResponse({ status: 200, type: CarePlanList })
  @ErrorResponses(400, 401, 403)
  list(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<CarePlanList> {
    const request = validatePayload(MemberCarePlansRequest, { memberId: id });
    return this.rpc.request(Subjects.carePlans.plans.list, request, staff);
  }

  @Post(':id/care-plans/:planId/transitions')
  @HttpCode(200)
  @Roles('pharmacist', 'desk_agent')
  @ApiOperation({
    summary: 'Pause, resume or stop a care plan, with a reason',
    description:
      'Stopping cancels its open tasks and messages; 409 for a move its state does not allow.',
  })
  @ApiBody({ type: ChangeCarePlanRequest })
  @ApiResponse({ status: 200, type: CarePlanView })
  @ErrorResponses(400, 401, 403, 404, 409)
  change(
    @Param('id') id: string,
    @Param('planId') planId: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CarePlanView> {
    const command = validatePayload(
      ChangeCarePlanCommand,
      commandFrom(body, { memberId: id, planId }),
    );
    return this.rpc.request(Subjects.carePlans.plans.change, command, staff);
  }
}
