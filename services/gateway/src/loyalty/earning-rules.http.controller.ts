import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  EarningRuleList,
  EarningRuleRequest,
  EarningRuleView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/loyalty/earning-rules')
export class EarningRulesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Store how sales earn points from a date on (admin)',
    description:
      'The rule holds from effectiveFrom until the next rule; effectiveFrom may not be in the ' +
      'past, so a change never applies to purchases made before it.',
  })
  @ApiBody({ type: EarningRuleRequest })
  @ApiResponse({ status: 201, type: EarningRuleView })
  @ErrorResponses(400, 401, 403)
  create(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<EarningRuleView> {
    const request = validatePayload(EarningRuleRequest, body);
    return this.rpc.request(Subjects.loyalty.earningRules.create, request, staff);
  }

  @Get()
  @Roles('admin', 'store_manager', 'hq_analyst')
  @ApiOperation({ summary: 'The stored earning rules, oldest effective date first' })
  @ApiResponse({ status: 200, type: EarningRuleList })
  @ErrorResponses(401, 403)
  list(@Staff() staff: StaffPrincipal): Promise<EarningRuleList> {
    return this.rpc.request(Subjects.loyalty.earningRules.list, {}, staff);
  }
}
