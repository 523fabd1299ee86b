import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CarePlanTemplateList,
  CarePlanTemplateRequest,
  CarePlanTemplateView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('care')
@ApiBearerAuth()
@Controller('api/v1/care-plan-templates')
export class CarePlanTemplatesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'Care-plan templates: the newest version of each' })
  @ApiResponse({ status: 200, type: CarePlanTemplateList })
  @ErrorResponses(401, 403)
  list(@Staff() staff: StaffPrincipal): Promise<CarePlanTemplateList> {
    return this.rpc.request(Subjects.carePlans.templates.list, {}, staff);
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a template, or save the next version of one (admin)',
    description: 'Plans keep the version they were enrolled with; new enrolments take the newest.',
  })
  @ApiBody({ type: CarePlanTemplateRequest })
  @ApiResponse({ status: 201, type: CarePlanTemplateView })
  @ErrorResponses(400, 401, 403)
  save(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<CarePlanTemplateView> {
    const request = validatePayload(CarePlanTemplateRequest, body);
    return this.rpc.request(Subjects.carePlans.templates.save, request, staff);
  }
}
