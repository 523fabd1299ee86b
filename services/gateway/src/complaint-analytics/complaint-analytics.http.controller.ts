import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
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
  COMPLAINT_ANALYSIS_DIMENSIONS,
  COMPLAINT_CAUSES,
  ComplaintAnalyticsRequest,
  ComplaintAnalyticsView,
  CreateImprovementActionCommand,
  CreateImprovementActionRequest,
  ImprovementActionList,
  ImprovementActionView,
  ListImprovementActionsRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { type Role, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/** Case analysis readers: HQ and admins chain-wide, store managers their own store. */
const ANALYSTS: Role[] = ['hq_analyst', 'admin', 'store_manager'];

/** Complaint case analysis (aggregates only: no case, member or free text). */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/v1/analytics/complaints')
export class ComplaintAnalyticsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles(...ANALYSTS)
  @ApiOperation({
    summary: 'Complaint figures by category, cause, store, staff or month over local days',
    description:
      'Counts, complaints per 1,000 sales (purchase.recorded), median first-response and ' +
      'resolution minutes, SLA breach rate and average satisfaction. A store manager sees their ' +
      'own store only (another store is 403 ACCESS.OTHER_STORE).',
  })
  @ApiQuery({ name: 'by', enum: COMPLAINT_ANALYSIS_DIMENSIONS })
  @ApiQuery({ name: 'from', example: '2026-11-01' })
  @ApiQuery({ name: 'to', example: '2026-11-30' })
  @ApiQuery({ name: 'store', required: false, example: 'S001' })
  @ApiResponse({ status: 200, type: ComplaintAnalyticsView })
  @ErrorResponses(400, 401, 403)
  analyse(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<ComplaintAnalyticsView> {
    const request = validatePayload(ComplaintAnalyticsRequest, { ...query });
    return this.rpc.request(Subjects.complaints.analytics, request, staff);
  }
}

/** Improvement actions on complaint causes, with their measured effect. */
@ApiTags('complaints')
@ApiBearerAuth()
@Controller('api/v1/improvement-actions')
export class ImprovementActionsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(201)
  @Roles(...ANALYSTS)
  @ApiOperation({
    summary: 'Record an improvement action on a complaint cause, in a store or chain-wide',
    description:
      'A store manager records actions for their own store only. A retry with the same ' +
      'Idempotency-Key answers the same action.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, example: 'ia-2026-11-pricing' })
  @ApiBody({ type: CreateImprovementActionRequest })
  @ApiResponse({ status: 201, type: ImprovementActionView })
  @ErrorResponses(400, 401, 403)
  create(
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<ImprovementActionView> {
    const command = validatePayload(
      CreateImprovementActionCommand,
      commandFrom(body, { idempotencyKey: idempotencyKey ?? '' }),
    );
    return this.rpc.request(Subjects.complaints.improvementActions.create, command, staff);
  }

  @Get()
  @Roles(...ANALYSTS)
  @ApiOperation({
    summary:
      'Improvement actions, newest start first, each with the complaint rate of its cause ' +
      'and scope before and after its start over equal periods',
  })
  @ApiQuery({ name: 'cause', required: false, enum: COMPLAINT_CAUSES })
  @ApiQuery({ name: 'store', required: false, example: 'S001' })
  @ApiResponse({ status: 200, type: ImprovementActionList })
  @ErrorResponses(400, 401, 403)
  list(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<ImprovementActionList> {
    const request = validatePayload(ListImprovementActionsRequest, { ...query });
    return this.rpc.request(Subjects.complaints.improvementActions.list, request, staff);
  }
}
