import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  type PutSlaPoliciesCommand,
  SlaPoliciesRequest,
  SlaPoliciesView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

/** The complaint SLA policies as data (targets, hours, holidays): admins only. */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/v1/complaint-sla-policies')
export class ComplaintSlaPoliciesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'The complaint SLA policies: targets per severity and channel, hours, holidays',
  })
  @ApiResponse({ status: 200, type: SlaPoliciesView })
  @ErrorResponses(401, 403)
  get(@Staff() staff: StaffPrincipal): Promise<SlaPoliciesView> {
    return this.rpc.request(Subjects.complaints.slaPolicies.get, {}, staff);
  }

  @Put()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Replace the complaint SLA policies as a whole',
    description:
      'Targets in business minutes of the case’s calendar (a store complaint its store’s hours, ' +
      'hotline and online the hotline’s, which closes on the holidays listed). Every severity ' +
      'needs a default target (no channel); a resolution is no shorter than the first response; ' +
      'hours open before they close and do not overlap; the stores need default hours. Cases read ' +
      'or moved on from now count from the new policies.',
  })
  @ApiBody({ type: SlaPoliciesRequest })
  @ApiResponse({ status: 200, type: SlaPoliciesView })
  @ErrorResponses(400, 401, 403)
  put(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<SlaPoliciesView> {
    const policies = validatePayload(SlaPoliciesRequest, body);
    const command: PutSlaPoliciesCommand = { policies };
    return this.rpc.request(Subjects.complaints.slaPolicies.put, command, staff);
  }
}
