import { headers as natsHeaders } from '@nats-io/transport-node';
import { ClientNats, NatsRecordBuilder } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { AppError, ErrorCode, isErrorPayload, NatsHeader } from '@crm/contracts';
import { currentTraceparent } from '@crm/observability';

export interface RpcActor {
  sub: string;
  roles: string[];
  storeId?: string;
}

/**
 * Request/reply over NATS for the gateway (and service-to-service queries). Each request
 * carries the trace and the acting staff member; each failure comes back as an AppError
 * with a code: the service's own, or UPSTREAM.* when nobody answered in time.
 */
export class NatsRpcClient {
  constructor(
    private readonly client: ClientNats,
    private readonly timeoutMs: number,
  ) {}

  async request<TResult>(subject: string, data: unknown, actor?: RpcActor): Promise<TResult> {
    const headers = natsHeaders();
    const traceparent = currentTraceparent();
    if (traceparent) headers.set(NatsHeader.traceparent, traceparent);
    if (actor) headers.set(NatsHeader.actor, JSON.stringify(actor));
    const record = new NatsRecordBuilder(data).setHeaders(headers).build();
    try {
      return await firstValueFrom(
        this.client.send<TResult>(subject, record).pipe(timeout(this.timeoutMs)),
      );
    } catch (error) {
      throw toAppError(subject, error);
    }
  }
}

function toAppError(subject: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isErrorPayload(error))
    return new AppError(error.code as ErrorCode, error.message, error.details ?? []);
  if (error instanceof TimeoutError) {
    return new AppError(
      ErrorCode.UPSTREAM_TIMEOUT,
      `No answer from ${subject.split('.')[0]} in time; try again`,
    );
  }
  const message = (error as Error)?.message ?? String(error);
  return new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `The ${subject.split('.')[0]} service is unavailable: ${message}`,
  );
}
