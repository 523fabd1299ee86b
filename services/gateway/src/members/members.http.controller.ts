import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  FindMembersRequest,
  GetMemberRequest,
  HealthAuditList,
  ListHealthAuditRequest,
  ListPurchasesRequest,
  PurchaseList,
  MemberList,
  MemberView,
  RegisterMemberRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MembersHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'Register a member (store, online or hotline channel)' })
  @ApiBody({ type: RegisterMemberRequest })
  @ApiResponse({ status: 201, type: MemberView })
  @ErrorResponses(400, 401, 403, 409)
  register(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<MemberView> {
    const request = validatePayload(RegisterMemberRequest, body);
    return this.rpc.request(Subjects.members.register, request, staff);
  }

  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'Find members by mobile phone number' })
  @ApiQuery({ name: 'phone', required: true, example: '13800138000' })
  @ApiResponse({ status: 200, type: MemberList })
  @ErrorResponses(400, 401, 403)
  find(@Query() query: unknown, @Staff() staff: StaffPrincipal): Promise<MemberList> {
    const request = validatePayload(FindMembersRequest, query);
    return this.rpc.request(Subjects.members.find, request, staff);
  }

  @Get(':id')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'One member' })
  @ApiResponse({ status: 200, type: MemberView })
  @ErrorResponses(400, 401, 403, 404)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberView> {
    const request = validatePayload(GetMemberRequest, { id });
    return this.rpc.request(Subjects.members.get, request, staff);
  }

  @Get(':id/purchases')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's purchases and refunds, newest first" })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiResponse({ status: 200, type: PurchaseList })
  @ErrorResponses(400, 401, 403, 404)
  purchases(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<PurchaseList> {
    const request = validatePayload(ListPurchasesRequest, { ...query, id });
    return this.rpc.request(Subjects.members.purchases, request, staff);
  }

  @Get(':id/health-audit')
  @Roles('admin')
  @ApiOperation({ summary: "Who read or changed a member's health details (admin only)" })
  @ApiResponse({ status: 200, type: HealthAuditList })
  @ErrorResponses(400, 401, 403)
  healthAudit(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<HealthAuditList> {
    const request = validatePayload(ListHealthAuditRequest, { id });
    return this.rpc.request(Subjects.members.healthAudit, request, staff);
  }
}
