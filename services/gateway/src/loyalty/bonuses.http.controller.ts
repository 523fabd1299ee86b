import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  BonusView,
  GrantBonusCommand,
  GrantBonusRequest,
  Subjects,
  validatePayload,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import type { StaffPrincipal } from '../auth/roles';
import { Roles, Staff, StoreScope } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { ApiPathParams } from '../docs/api-parameters';
import { commandFrom } from '../http/command-from';

@ApiTags('loyalty')
@ApiBearerAuth()
@Controller('api/v1/members')
export class BonusesHttpController {
  constructor(private readonly rpc: NatsRpcClient) {}

  // Desk agents record surveys and suggestions and help members online; store clerks and
  // pharmacists serve at the counter and do not give points outside a sale.
  @Post(':id/points/bonuses')
  @StoreScope('home-store')
  @HttpCode(200)
  @Roles('desk_agent', 'store_manager', 'admin')
  @ApiOperation({
    summary: 'Give a one-off bonus: profile completed, survey answered, useful suggestion',
    description:
      'The profile bonus is given once per member, a survey or suggestion bonus once per its ' +
      'reference; asking again answers with the first entry and `created: false`. The amounts ' +
      'are settings (BONUS_*_POINTS).',
  })
  @ApiPathParams(GrantBonusCommand, 'id')
  @ApiBody({ type: GrantBonusRequest })
  @ApiResponse({ status: 200, type: BonusView })
  @ErrorResponses(400, 401, 403, 410)
  grant(
    @Param('id') id: string,
    @Body() body: unknown,
    @Staff() staff: StaffPrincipal,
  ): Promise<BonusView> {
    const command = validatePayload(
      GrantBonusCommand,
      commandFrom(body, {
        id,
      }),
    );
    return this.rpc.request(Subjects.loyalty.bonus, command, staff);
  }
}
