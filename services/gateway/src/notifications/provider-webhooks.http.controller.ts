import { Body, Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AppError,
  type ApplyProviderEventResult,
  ErrorCode,
  ProviderWebhookEvent,
  Subjects,
  validatePayload,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '@crm/contracts';
import { NatsRpcClient } from '@crm/messaging';
import { PublicApiRoute } from '../auth/roles.decorator';
import { ErrorResponses } from '../docs/error-responses';
import { GatewayConfig } from '../gateway.config';
import { BodyLimit } from '../http/route-body-limit';
import type { RequestWithRawBody } from './raw-body';

/** A delivery receipt or a reply is small; anything larger is not a provider's callback. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024;

/**
 * Provider callbacks (CONTRACTS.md §4): no staff token, a signature instead, checked here at
 * the edge over the raw body with the provider's secret (`WEBHOOK_SECRET_<PROVIDER>`) before
 * anything is parsed into a command. The notifications service applies each event id once.
 */
@ApiTags('notifications')
@Controller('api/v1/webhooks/notifications')
export class ProviderWebhooksHttpController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: GatewayConfig,
  ) {}

  @Post(':provider')
  @HttpCode(200)
  @PublicApiRoute()
  @BodyLimit(WEBHOOK_BODY_LIMIT)
  @ApiOperation({
    summary: 'A notification provider reports a delivery or a member’s reply (signed)',
    description:
      'X-Signature is sha256=<hex HMAC-SHA256 of "<X-Signature-Timestamp>.<raw body>"> with the ' +
      "provider's secret; more than 300 s off is refused. A replayed eventId is acknowledged " +
      'and has no second effect. A reply that is an opt-out keyword (TD, 退订, STOP, UNSUBSCRIBE) ' +
      'withdraws marketing consent for that channel.',
  })
  @ApiHeader({ name: WEBHOOK_TIMESTAMP_HEADER, required: true, example: '1795000000' })
  @ApiHeader({
    name: WEBHOOK_SIGNATURE_HEADER,
    required: true,
    example: 'sha256=5d41402abc4b2a76b9719d911017c592',
  })
  @ApiBody({ type: ProviderWebhookEvent })
  @ApiResponse({ status: 200, description: '`{ received: true, applied }`' })
  @ErrorResponses(400, 401, 404, 429, 503, 504)
  @ApiResponse({ status: 413, description: 'The body is larger than a callback can be' })
  async receive(
    @Param('provider') provider: string,
    @Req() request: RequestWithRawBody,
    @Headers(WEBHOOK_TIMESTAMP_HEADER) timestamp: unknown,
    @Headers(WEBHOOK_SIGNATURE_HEADER) signature: unknown,
    @Body() body: unknown,
  ): Promise<{ received: true; applied: boolean }> {
    if (!/^[a-z0-9]{1,30}$/.test(provider))
      throw new AppError(ErrorCode.NOT_FOUND, 'No such provider');
    const secret = (this.config as unknown as Record<string, unknown>)[
      `WEBHOOK_SECRET_${provider.toUpperCase()}`
    ];
    if (typeof secret !== 'string' || !secret)
      throw new AppError(
        ErrorCode.AUTH_UNAUTHENTICATED,
        'Unknown provider: its signature cannot be checked',
      );
    const check = verifyWebhook(secret, timestamp, signature, request.rawBody ?? Buffer.alloc(0));
    if (!check.ok)
      throw new AppError(
        ErrorCode.AUTH_UNAUTHENTICATED,
        `Webhook signature refused (${check.reason})`,
      );
    const event = validatePayload(ProviderWebhookEvent, body);
    const result = await this.rpc.request<ApplyProviderEventResult>(
      Subjects.notifications.webhook,
      {
        provider,
        event,
      },
    );
    return { received: true, applied: result.applied };
  }
}
