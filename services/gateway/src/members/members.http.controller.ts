import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  FindMembersRequest,
  GetMemberRequest,
  HealthAuditList,
  ListHealthAuditRequest,
  ListMemberHistoryRequest,
  ListPurchasesRequest,
  GradeView,
  MemberDataExport,
  MemberErasure,
  MemberHistory,
  MemberPrivacyRequest,
  MergeMembersCommand,
  MergeMembersRequest,
  MergeResult,
  RecordAttendanceCommand,
  RecordAttendanceRequest,
  PurchaseList,
  MemberList,
  MemberView,
  RegisterMemberRequest,
  Subjects,
  UpdateMemberCommand,
  UpdateMemberRequest,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams, ApiQueryFrom } from '../docs/api-parameters';
import { collectExport } from './member-export';

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
  @ApiQueryFrom(FindMembersRequest, ['phone'], { phone: '13800138000' })
  @ApiResponse({ status: 200, type: MemberList })
  @ErrorResponses(400, 401, 403)
  find(@Query() query: unknown, @Staff() staff: StaffPrincipal): Promise<MemberList> {
    const request = validatePayload(FindMembersRequest, query);
    return this.rpc.request(Subjects.members.find, request, staff);
  }

  @Get(':id')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'One member' })
  @ApiPathParams(GetMemberRequest, 'id')
  @ApiResponse({ status: 200, type: MemberView })
  @ErrorResponses(400, 401, 403, 404)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberView> {
    const request = validatePayload(GetMemberRequest, { id });
    return this.rpc.request(Subjects.members.get, request, staff);
  }

  @Get(':id/purchases')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's purchases and refunds, newest first" })
  @ApiPathParams(ListPurchasesRequest, 'id')
  @ApiQueryFrom(ListPurchasesRequest, ['limit'], { limit: 50 })
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
  @ApiPathParams(ListHealthAuditRequest, 'id')
  @ApiResponse({ status: 200, type: HealthAuditList })
  @ErrorResponses(400, 401, 403)
  healthAudit(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<HealthAuditList> {
    const request = validatePayload(ListHealthAuditRequest, { id });
    return this.rpc.request(Subjects.members.healthAudit, request, staff);
  }

  @Patch(':id')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary:
      "Change a member's profile (only the fields given); every change is kept in the history",
  })
  @ApiPathParams(UpdateMemberCommand, 'id')
  @ApiBody({ type: UpdateMemberRequest })
  @ApiResponse({ status: 200, type: MemberView })
  @ErrorResponses(400, 401, 403, 404, 409)
  update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<MemberView> {
    const request = validatePayload(UpdateMemberCommand, { id, change: body });
    return this.rpc.request(Subjects.members.update, request, staff);
  }

  @Get(':id/history')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "Who changed a member's record, when, which fields, old and new" })
  @ApiPathParams(ListMemberHistoryRequest, 'id')
  @ApiResponse({ status: 200, type: MemberHistory })
  @ErrorResponses(400, 401, 403, 404)
  history(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberHistory> {
    const request = validatePayload(ListMemberHistoryRequest, { id });
    return this.rpc.request(Subjects.members.history, request, staff);
  }

  @Get(':id/export')
  @Roles('admin', 'desk_agent')
  @ApiOperation({
    summary: 'A copy of everything each service holds about the member (data-subject access)',
    description:
      "The members service's data at the top level (as in v1) and each service's part under " +
      '`services`, with how it answered. A service that fails or does not answer in time ' +
      '(`NATS_REQUEST_TIMEOUT_MS`) is named there with status `timeout`, `unavailable` or ' +
      '`error`, and `complete` is false: ask again for the whole copy. An unknown or erased ' +
      'member is a 404.',
  })
  @ApiPathParams(MemberPrivacyRequest, 'id')
  @ApiResponse({ status: 200, type: MemberDataExport })
  @ErrorResponses(400, 401, 403, 404)
  exportData(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberDataExport> {
    const request = validatePayload(MemberPrivacyRequest, { id });
    return collectExport(this.rpc, request, staff);
  }

  @Delete(':id')
  @Roles('admin')
  @ApiOperation({
    summary:
      "Erase the member's personal and health data; every service is told (member.erased) and keeps only anonymous aggregates",
  })
  @ApiPathParams(MemberPrivacyRequest, 'id')
  @ApiResponse({ status: 200, type: MemberErasure })
  @ErrorResponses(400, 401, 403, 404)
  erase(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<MemberErasure> {
    const request = validatePayload(MemberPrivacyRequest, { id });
    return this.rpc.request(Subjects.members.erase, request, staff);
  }

  @Post(':id/event-attendances')
  @HttpCode(200)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary:
      'Record that the member attended a member event (counts toward their grade, once per event)',
  })
  @ApiPathParams(RecordAttendanceCommand, 'id')
  @ApiBody({ type: RecordAttendanceRequest })
  @ApiResponse({ status: 200, type: GradeView })
  @ErrorResponses(400, 401, 403, 404)
  recordAttendance(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<GradeView> {
    const request = validatePayload(RecordAttendanceCommand, { id, attendance: body });
    return this.rpc.request(Subjects.members.recordAttendance, request, staff);
  }

  @Post(':id/merge')
  @HttpCode(200)
  @Roles('admin', 'desk_agent')
  @ApiOperation({
    summary:
      'Merge a duplicate record into this member (same person); member.merged tells every service',
  })
  @ApiPathParams(MergeMembersCommand, 'id')
  @ApiBody({ type: MergeMembersRequest })
  @ApiResponse({ status: 200, type: MergeResult })
  @ErrorResponses(400, 401, 403, 404)
  merge(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<MergeResult> {
    const request = validatePayload(MergeMembersCommand, { id, merge: body });
    return this.rpc.request(Subjects.members.merge, request, staff);
  }
}
