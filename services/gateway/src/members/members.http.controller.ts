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
}
