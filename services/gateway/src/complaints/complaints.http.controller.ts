import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  ComplaintList,
  ComplaintTransitionCommand,
  ComplaintTransitionRequest,
  ComplaintView,
  GetComplaintRequest,
  ListComplaintsRequest,
  ReceiveComplaintCommand,
  ReceiveComplaintRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/**
 * Complaint cases (CONTRACTS.md §2). Roles here; store scoping (store staff work on their own
 * store's cases) in the complaints service. hq_analyst sees aggregates only, never a case.
 */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/v1/complaints')
export class ComplaintsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: 'Take a complaint (store, hotline, online); answered at once with its SLA due times',
    description:
      'A member is optional (anonymous complaints are taken). An adverse_reaction complaint needs ' +
      '`adverseReaction` (drug, onset, reaction, seriousness, outcome), goes to a pharmacist at ' +
      'once and carries its ADR reporting deadline. A retry with the same Idempotency-Key answers ' +
      'the same case. Store staff take complaints about their own store (403 ACCESS.OTHER_STORE).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, example: '6f1c2d3e-complaint-0001' })
  @ApiBody({ type: ReceiveComplaintRequest })
  @ApiResponse({ status: 201, type: ComplaintView })
  @ErrorResponses(400, 401, 403)
  receive(
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<ComplaintView> {
    const command = validatePayload(
      ReceiveComplaintCommand,
      commandFrom(body, { idempotencyKey: idempotencyKey ?? '' }),
    );
    return this.rpc.request(Subjects.complaints.receive, command, staff);
  }

  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: 'Complaints, newest first, a page at a time',
    description: "Store staff see their own store's cases; desk agents and admins every store's.",
  })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'store', required: false })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'batch', required: false })
  @ApiQuery({ name: 'breached', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'assignee', required: false })
  @ApiQuery({ name: 'limit', required: false, example: 20 })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, type: ComplaintList })
  @ErrorResponses(400, 401, 403)
  list(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<ComplaintList> {
    const request = validatePayload(ListComplaintsRequest, { ...query });
    return this.rpc.request(Subjects.complaints.list, request, staff);
  }

  @Get(':id')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: 'A complaint with every step of its history' })
  @ApiResponse({ status: 200, type: ComplaintView })
  @ErrorResponses(400, 401, 403, 404)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<ComplaintView> {
    const request = validatePayload(GetComplaintRequest, { id });
    return this.rpc.request(Subjects.complaints.get, request, staff);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary:
      'Move a complaint on: investigate, await_member, member_replied, resolve, feedback, close, reopen',
    description:
      'An action the case does not allow now is a 409 COMPLAINT.TRANSITION_NOT_ALLOWED naming the ' +
      'allowed ones; of two concurrent steps one wins, the other is a 409 COMPLAINT.CHANGED. ' +
      '`resolve` takes `resolution` and optionally `compensation` (a coupon or points, given once ' +
      'per case through loyalty; store managers, desk agents and admins); a further one after a ' +
      'reopen only with `compensation.additional: true`. `feedback` takes `satisfaction` 1–5, once.',
  })
  @ApiBody({ type: ComplaintTransitionRequest })
  @ApiResponse({ status: 200, type: ComplaintView })
  @ErrorResponses(400, 401, 403, 404, 409)
  transition(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<ComplaintView> {
    const command = validatePayload(ComplaintTransitionCommand, commandFrom(body, { id }));
    return this.rpc.request(Subjects.complaints.transition, command, staff);
  }
}
