import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ListNotificationTemplatesRequest,
  NotificationTemplateList,
  NotificationTemplateRequest,
  NotificationTemplateView,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notification-templates')
export class NotificationTemplatesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: 'Message templates: the newest version of each, by channel and purpose',
  })
  @ApiResponse({ status: 200, type: NotificationTemplateList })
  @ErrorResponses(400, 401, 403)
  list(
    @Query() query: Record<string, unknown>,
    @Staff() staff: StaffPrincipal,
  ): Promise<NotificationTemplateList> {
    const request = validatePayload(ListNotificationTemplatesRequest, query);
    return this.rpc.request(Subjects.notifications.templates.list, request, staff);
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a template, or save the next version of one (admin)',
    description:
      'Bodies in zh-CN and en use {{variable}} placeholders; one not declared in `variables` ' +
      'is a 400 naming the body. A send names `<key>` (newest version) or `<key>:v<n>`.',
  })
  @ApiBody({ type: NotificationTemplateRequest })
  @ApiResponse({ status: 201, type: NotificationTemplateView })
  @ErrorResponses(400, 401, 403)
  save(@Body() body: unknown, @Staff() staff: StaffPrincipal): Promise<NotificationTemplateView> {
    const template = validatePayload(NotificationTemplateRequest, body);
    return this.rpc.request(
      Subjects.notifications.templates.save,
      { template, by: staff.sub },
      staff,
    );
  }
}
