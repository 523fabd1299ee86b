import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AdherenceRequest,
  AdherenceView,
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
}
