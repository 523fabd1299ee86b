import { Injectable } from '@nestjs/common';
import type { NotificationChannel } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import { outcomeOfStatus, type SendOutcome } from './retry-policy';

export interface ProviderSend {
  /** Our message id: the idempotency key, so a resend is the same message to the provider. */
  messageId: string;
  channel: NotificationChannel;
  to: string;
  body: string;
}

/**
 * The HTTP adapter to the providers (the stub speaks the same dialect): an API key, and our
 * message id as `Idempotency-Key`. The address travels only in this request's body.
 */
@Injectable()
export class ProviderClient {
  private readonly providers: Map<string, { url: string; apiKey: string }>;

  constructor(private readonly config: NotificationsConfig) {
    this.providers = new Map([
      [
        config.PROVIDER_PRIMARY,
        { url: config.PROVIDER_PRIMARY_URL, apiKey: config.PROVIDER_PRIMARY_API_KEY },
      ],
      [
        config.PROVIDER_SECONDARY,
        { url: config.PROVIDER_SECONDARY_URL, apiKey: config.PROVIDER_SECONDARY_API_KEY },
      ],
    ]);
  }

  async send(provider: string, message: ProviderSend): Promise<SendOutcome> {
    const target = this.providers.get(provider);
    if (!target)
      return {
        kind: 'refused',
        retryable: false,
        reason: `provider ${provider} is not configured`,
      };
    let response: Response;
    try {
      response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${target.apiKey}`,
          'idempotency-key': message.messageId,
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.config.PROVIDER_TIMEOUT_MS),
      });
    } catch (error) {
      return transportOutcome(error);
    }
    let body: { id?: unknown } | null;
    try {
      body = (await response.json()) as { id?: unknown };
    } catch {
      body = null;
    }
    return outcomeOfStatus(response.status, body, response.headers.get('retry-after'));
  }
}

/** No connection at all means the provider never saw the send; anything later may have reached it. */
function transportOutcome(error: unknown): SendOutcome {
  const code = (error as { cause?: { code?: string } })?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { kind: 'refused', retryable: true, reason: `provider unreachable (${code})` };
  const name = (error as Error)?.name;
  return {
    kind: 'unknown',
    reason:
      name === 'TimeoutError'
        ? 'provider did not answer in time'
        : `send interrupted (${code ?? name})`,
  };
}
