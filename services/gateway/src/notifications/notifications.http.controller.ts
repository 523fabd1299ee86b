import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ListMemberNotificationsRequest,
  NotificationList,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/members')
export class NotificationsHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/notifications')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: "A member's messages, newest first: state, reasons, attempts and receipts",
    description:
      'queued → sent → delivered | failed (or replied); deferred during quiet hours; skipped ' +
      'with its reason (no consent, cap reached, no address). Never the address.',
  })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: NotificationList })
  @ErrorResponses(400, 401, 403, 503, 504)
  list(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<NotificationList> {
    const request = validatePayload(ListMemberNotificationsRequest, {
      memberId: id,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return this.rpc.request(Subjects.notifications.list, request, staff);
  }
}
