import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CampaignIdRequest,
  CampaignView,
  CreateCampaignCommand,
  CreateCampaignRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { Role, StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ApiHeaderFrom, ApiPathParams } from '../docs/api-parameters';
import { ErrorResponses } from '../docs/error-responses';
import { commandFrom } from '../http/command-from';

/**
 * Admins message any saved segment; a store manager a segment of their own store's members
 * (its criteria select by `storeIds` naming their store alone), with marketing content. The
 * notifications service checks that against the staff member (`x-actor`), as loyalty does for
 * coupon issues (docs/access-rules.md §3).
 */
const CAMPAIGNERS: Role[] = ['admin', 'store_manager'];

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/campaigns')
export class CampaignsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post()
  @HttpCode(202)
  @Roles(...CAMPAIGNERS)
  @ApiOperation({
    summary: 'Send a message to every member of a saved segment, in the background',
    description:
      'Consent, channel preferences, the yearly marketing caps and quiet hours are applied to ' +
      'each member as for any message (a member outside them is skipped, with the reason; one ' +
      'in quiet hours is deferred to their end). Each member gets at most one message of a ' +
      'campaign, also across crashes. `scheduledAt` starts it later, `perSecond` throttles it. ' +
      'A retry with the same Idempotency-Key answers the same campaign. A store manager sends ' +
      'marketing to a segment of their own store only (403 ACCESS.OTHER_STORE, ' +
      'CAMPAIGN.PURPOSE_FORBIDDEN).',
  })
  @ApiHeaderFrom(
    'Idempotency-Key',
    CreateCampaignCommand,
    'idempotencyKey',
    '6f1c2d3e-campaign-0001',
  )
  @ApiBody({ type: CreateCampaignRequest })
  @ApiResponse({
    status: 202,
    type: CampaignView,
    description: 'Accepted; its progress is at `Location`',
    headers: {
      Location: { description: 'The campaign, e.g. /api/v1/campaigns/cmp_k3j9d2m4q8w1e5r7t0y6' },
    },
  })
  @ErrorResponses(400, 401, 403, 404, 409, 503, 504)
  async create(
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CampaignView> {
    const command = validatePayload(
      CreateCampaignCommand,
      commandFrom(body, { idempotencyKey: idempotencyKey ?? '' }),
    );
    const campaign = await this.rpc.request<CampaignView>(
      Subjects.notifications.campaigns.create,
      command,
      staff,
    );
    void reply.header('location', `/api/v1/campaigns/${campaign.id}`);
    return campaign;
  }

  @Get(':id')
  @Roles(...CAMPAIGNERS)
  @ApiOperation({
    summary: "A campaign's status and progress",
    description:
      'Counted from its messages: total, sent (taken by a provider; delivered among them), ' +
      'queued, deferred, skipped by reason, failed and remaining. A store manager sees their ' +
      "store's campaigns.",
  })
  @ApiPathParams(CampaignIdRequest, 'id')
  @ApiResponse({ status: 200, type: CampaignView })
  @ErrorResponses(400, 401, 403, 404, 503, 504)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<CampaignView> {
    const request = validatePayload(CampaignIdRequest, { id });
    return this.rpc.request(Subjects.notifications.campaigns.get, request, staff);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...CAMPAIGNERS)
  @ApiOperation({
    summary: 'Stop a campaign',
    description:
      'No new message of it starts; those waiting for quiet hours or in the delivery queue are ' +
      'skipped (`campaign-cancelled`); what a provider has taken stays sent. Cancelling again ' +
      'answers the campaign; a campaign that is done is a 409 CAMPAIGN.FINISHED.',
  })
  @ApiPathParams(CampaignIdRequest, 'id')
  @ApiResponse({ status: 200, type: CampaignView })
  @ErrorResponses(400, 401, 403, 404, 409, 503, 504)
  cancel(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<CampaignView> {
    const request = validatePayload(CampaignIdRequest, { id });
    return this.rpc.request(Subjects.notifications.campaigns.cancel, request, staff);
  }
}
