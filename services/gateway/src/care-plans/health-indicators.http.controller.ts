import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthIndicatorList,
  HealthIndicatorReadingView,
  ListHealthIndicatorsRequest,
  RecordHealthIndicatorsCommand,
  RecordHealthIndicatorsRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/** A member's health readings: health roles only; care-plans audits every read and write. */
@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/members')
export class HealthIndicatorsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post(':id/health-indicators')
  @HttpCode(201)
  @Roles('pharmacist', 'desk_agent')
  @ApiOperation({
    summary: 'Record a sitting’s health readings',
    description:
      'Blood pressure (mmHg), fasting and 2-hour glucose, LDL and total cholesterol (mmol/L or ' +
      'mg/dL, kept in mmol/L), HbA1c (%), bone density T-score, weight (kg) with height for the ' +
      'BMI. Implausible values are a 400 naming the field; needs the health-data consent (409). ' +
      'A reading in an alert band opens a task for the home store’s pharmacist (urgent: due ' +
      'today) and announces `indicator.alert`. The same reading sent again is one reading.',
  })
  @ApiBody({ type: RecordHealthIndicatorsRequest })
  @ApiResponse({ status: 201, type: HealthIndicatorReadingView })
  @ErrorResponses(400, 401, 403, 409, 503)
  record(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<HealthIndicatorReadingView> {
    const command = validatePayload(
      RecordHealthIndicatorsCommand,
      commandFrom(body, { memberId: id }),
    );
    return this.rpc.request(Subjects.carePlans.indicators.record, command, staff);
  }

  @Get(':id/health-indicators')
  @Roles('pharmacist', 'desk_agent', 'admin')
  @ApiOperation({ summary: 'A member’s health readings, newest first, with their alerts' })
  @ApiResponse({ status: 200, type: HealthIndicatorList })
  @ErrorResponses(400, 401, 403)
  list(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<HealthIndicatorList> {
    const request = validatePayload(ListHealthIndicatorsRequest, { ...query, memberId: id });
    return this.rpc.request(Subjects.carePlans.indicators.list, request, staff);
  }
}
