import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AdherenceRequest,
  AdherenceView,
  CareTaskView,
  MemberCadenceRequest,
  MemberCadenceView,
  MemberStoppedCommand,
  MemberStoppedRequest,
  ScheduledCadenceView,
  SafetyCheckCommand,
  SafetyCheckRequest,
  SafetyCheckResult,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/** What care-plans works out about a member's therapy: health roles only. */
@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MemberCareHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/adherence')
  @Roles('pharmacist', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Adherence (PDC) per therapy class over a window',
    description:
      'Proportion of days covered from the refill history, the standard way: the period starts ' +
      'at the first fill in the window, overlapping supplies are shifted forward, coverage is ' +
      'capped at the window’s end. A class under 0.8 opens an outreach task (once per member, ' +
      'class and window) and announces `adherence.low`. `from` must precede `to`, at most two ' +
      'years apart (400 otherwise).',
  })
  @ApiResponse({ status: 200, type: AdherenceView })
  @ErrorResponses(400, 401, 403)
  adherence(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<AdherenceView> {
    const request = validatePayload(AdherenceRequest, { ...query, memberId: id });
    return this.rpc.request(Subjects.carePlans.adherence, request, staff);
  }

  @Post(':id/safety-check')
  @HttpCode(200)
  @Roles('pharmacist', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Check products against the member’s allergies and regular medications',
    description:
      'Warnings from the interaction and allergy tables (NSAIDs with anticoagulants, an NSAID ' +
      'allergy, ACE inhibitors with potassium-sparing diuretics, …) and duplicates of a therapy ' +
      'class, most severe first; the products are also checked against each other. Products ' +
      'without an ATC code are listed as unchecked. Nothing is kept; the read is audited.',
  })
  @ApiBody({ type: SafetyCheckRequest })
  @ApiResponse({ status: 200, type: SafetyCheckResult })
  @ErrorResponses(400, 401, 403, 404, 503)
  safetyCheck(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<SafetyCheckResult> {
    const command = validatePayload(SafetyCheckCommand, commandFrom(body, { memberId: id }));
    return this.rpc.request(Subjects.carePlans.safetyCheck, command, staff);
  }

  @Get(':id/cadence')
  @Roles('store_clerk', 'pharmacist', 'store_manager', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Expected next purchase and the contact cadence it calls for',
    description:
      'From days of supply in hand (else the usual gap between purchases): this month → stay ' +
      'in touch; within 2 months → call every 3 days, visit weekly; within 3 months → call ' +
      'weekly, visit every two weeks; later → call every two weeks, visit monthly; the next 30 ' +
      'days spread within about 2 visits and 5 calls.',
  })
  @ApiResponse({ status: 200, type: MemberCadenceView })
  @ErrorResponses(400, 401, 403)
  cadence(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberCadenceView> {
    const request = validatePayload(MemberCadenceRequest, { memberId: id });
    return this.rpc.request(Subjects.carePlans.cadence.get, request, staff);
  }

  @Post(':id/cadence/schedule')
  @HttpCode(200)
  @Roles('pharmacist', 'store_manager', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'Make the next 30 days of cadence calls and visits tasks for the home store',
    description: 'Once per member and month: asking again makes nothing twice.',
  })
  @ApiResponse({ status: 200, type: ScheduledCadenceView })
  @ErrorResponses(400, 401, 403, 404, 503)
  schedule(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<ScheduledCadenceView> {
    const request = validatePayload(MemberCadenceRequest, { memberId: id });
    return this.rpc.request(Subjects.carePlans.cadence.schedule, request, staff);
  }

  @Post(':id/stopped')
  @HttpCode(200)
  @Roles('store_clerk', 'pharmacist', 'store_manager', 'desk_agent', 'admin')
  @ApiOperation({
    summary: 'A member stopped buying, and why: the task that follows',
    description:
      'efficacy → urgent visit by the pharmacist; quality → urgent visit by the store manager; ' +
      'service → the manager visits (or gives it to another staff member); competitor → a ' +
      'review, then a plan. Once per member, reason and day.',
  })
  @ApiBody({ type: MemberStoppedRequest })
  @ApiResponse({ status: 200, type: CareTaskView })
  @ErrorResponses(400, 401, 403, 404, 503)
  stopped(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<CareTaskView> {
    const command = validatePayload(MemberStoppedCommand, commandFrom(body, { memberId: id }));
    return this.rpc.request(Subjects.carePlans.stopped, command, staff);
  }
}
