import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  assertMayUseHealthCriteria,
  GetSegmentRequest,
  ListSegmentMembersRequest,
  SaveSegmentRequest,
  SegmentMembersPage,
  SegmentPreviewRequest,
  SegmentPreviewView,
  SegmentView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams, ApiQueryFrom } from '../docs/api-parameters';

/** Who targets members: HQ analysts see counts only, never who is in a segment. */
const SEGMENT_USERS = ['admin', 'store_manager', 'desk_agent'] as const;

const HEALTH_RULE =
  ' Criteria on health data (diseaseGroups, allergies, medicationAtc) are for pharmacist, desk_agent and admin only: 403 SEGMENT.HEALTH_CRITERIA_FORBIDDEN for other roles (the members service checks it too).';

@ApiTags('segments')
@ApiBearerAuth()
@Controller('api/v1/segments')
export class SegmentsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post('preview')
  @HttpCode(200)
  @Roles(...SEGMENT_USERS, 'hq_analyst')
  @ApiOperation({
    summary:
      'How many members match the criteria now, with a sample of their ids (no sample for hq_analyst)',
    description:
      'For hq_analyst a count of 1 to MIN_GROUP_SIZE − 1 members is withheld: `count: null`, `countBelow: MIN_GROUP_SIZE`.' +
      HEALTH_RULE,
  })
  @ApiBody({ type: SegmentPreviewRequest })
  @ApiResponse({ status: 200, type: SegmentPreviewView })
  @ErrorResponses(400, 401, 403)
  async preview(
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<SegmentPreviewView> {
    const request = validatePayload(SegmentPreviewRequest, body);
    assertMayUseHealthCriteria(request.criteria, staff.roles);
    const result = await this.rpc.request<SegmentPreviewView>(
      Subjects.members.segments.preview,
      request,
      staff,
    );
    const individualAccess = staff.roles.some((role) =>
      (SEGMENT_USERS as readonly string[]).includes(role),
    );
    return individualAccess ? result : { ...result, sample: [] };
  }

  @Post()
  @HttpCode(201)
  @Roles(...SEGMENT_USERS)
  @ApiOperation({
    summary: 'Save a segment for campaigns; its members are evaluated when listed',
    description: HEALTH_RULE.trim(),
  })
  @ApiBody({ type: SaveSegmentRequest })
  @ApiResponse({ status: 201, type: SegmentView })
  @ErrorResponses(400, 401, 403)
  save(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<SegmentView> {
    const request = validatePayload(SaveSegmentRequest, body);
    assertMayUseHealthCriteria(request.criteria, staff.roles);
    return this.rpc.request(Subjects.members.segments.save, request, staff);
  }

  @Get(':id')
  @Roles(...SEGMENT_USERS)
  @ApiOperation({ summary: 'A saved segment with its current count' })
  @ApiPathParams(GetSegmentRequest, 'id')
  @ApiResponse({ status: 200, type: SegmentView })
  @ErrorResponses(400, 401, 403, 404)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<SegmentView> {
    return this.rpc.request(
      Subjects.members.segments.get,
      validatePayload(GetSegmentRequest, { id }),
      staff,
    );
  }

  @Get(':id/members')
  @Roles(...SEGMENT_USERS)
  @ApiOperation({
    summary: "A saved segment's members now, page by page (cursor `after`)",
    description:
      'A segment on health data lists its members only to pharmacist, desk_agent and admin (403 SEGMENT.HEALTH_CRITERIA_FORBIDDEN otherwise), whoever saved it.',
  })
  @ApiPathParams(ListSegmentMembersRequest, 'id')
  @ApiQueryFrom(ListSegmentMembersRequest, ['after', 'limit'])
  @ApiResponse({ status: 200, type: SegmentMembersPage })
  @ErrorResponses(400, 401, 403, 404)
  members(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<SegmentMembersPage> {
    const request = validatePayload(ListSegmentMembersRequest, { ...query, id });
    return this.rpc.request(Subjects.members.segments.members, request, staff);
  }
}
