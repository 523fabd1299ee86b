import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ContactPreferencesRequest,
  ContactPreferencesView,
  GetContactPreferencesRequest,
  type PutContactPreferencesCommand,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { MEMBER_STAFF, type StaffPrincipal } from '../auth/roles';
import { Roles, Staff } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';

/**
 * How a member wants to be reached. Any store may record it (like consent: saying how one
 * wants to be contacted must be as easy as giving consent, docs/access-rules.md).
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/members')
export class ContactPreferencesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get(':id/contact-preferences')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({ summary: "A member's contact preferences (the chain's defaults when none)" })
  @ApiResponse({ status: 200, type: ContactPreferencesView })
  @ErrorResponses(400, 401, 403)
  get(@Param('id') id: string, @Staff() staff: StaffPrincipal): Promise<ContactPreferencesView> {
    const request = validatePayload(GetContactPreferencesRequest, { memberId: id });
    return this.rpc.request(Subjects.notifications.preferences.get, request, staff);
  }

  @Put(':id/contact-preferences')
  @Roles(...MEMBER_STAFF)
  @ApiOperation({
    summary: "Replace a member's contact preferences",
    description:
      'Allowed channels, preferred channel (one of them), language (zh-CN | en), quiet hours ' +
      '(HH:MM, may cross midnight) and time zone (IANA name or UTC offset). Every purpose ' +
      'follows them: a clinical or service message also goes only on an allowed channel.',
  })
  @ApiBody({ type: ContactPreferencesRequest })
  @ApiResponse({ status: 200, type: ContactPreferencesView })
  @ErrorResponses(400, 401, 403, 404)
  put(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<ContactPreferencesView> {
    // The body's own fields are named as the caller sent them (not under `preferences.`).
    const { memberId } = validatePayload(GetContactPreferencesRequest, { memberId: id });
    const preferences = validatePayload(ContactPreferencesRequest, body);
    const command: PutContactPreferencesCommand = { memberId, preferences };
    return this.rpc.request(Subjects.notifications.preferences.put, command, staff);
  }
}
