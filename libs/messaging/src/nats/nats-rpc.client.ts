import {
  headers as natsHeaders,
  RequestError,
  TimeoutError,
  type NatsConnection,
} from '@nats-io/transport-node';
import { AppError, ErrorCode, isErrorPayload, NatsHeader, withoutNamespace } from '@crm/contracts';
import { currentTraceparent } from '@crm/observability';

export interface RpcActor {
  sub: string;
  roles: string[];
  storeId?: string;
}

/** What a NestJS NATS server answers a request with (one message for a single result). */
interface NestReply<T> {
  id?: string;
  response?: T;
  err?: unknown;
}

/**
 * Request/reply over NATS for the gateway (and service-to-service queries), speaking the
 * NestJS microservice packet format (`{ pattern, data, id }` out, `{ response | err }` back)
 * to services that serve it with `@MessagePattern`. Each request carries the trace and the
 * acting staff member; each failure comes back as an AppError with a code: the service's own,
 * or UPSTREAM.* when nobody answered (at once, when no instance listens) or not in time.
 *
 * It calls the connection's own `request`, which shares one reply subscription among all
 * requests. Nest's `ClientNats` subscribes and unsubscribes a fresh inbox per request; here
 * that tripled the protocol traffic and made a lookup's round trip several times slower.
 */
export class NatsRpcClient {
  private sequence = 0;

  constructor(
    private readonly connection: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  async request<TResult>(subject: string, data: unknown, actor?: RpcActor): Promise<TResult> {
    const headers = natsHeaders();
    const traceparent = currentTraceparent();
    if (traceparent) headers.set(NatsHeader.traceparent, traceparent);
    if (actor) headers.set(NatsHeader.actor, JSON.stringify(actor));
    const id = String(++this.sequence);
    let reply: NestReply<TResult>;
    try {
      const message = await this.connection.request(
        subject,
        JSON.stringify({ pattern: subject, data, id }),
        { timeout: this.timeoutMs, headers },
      );
      reply = message.json<NestReply<TResult>>();
    } catch (error) {
      throw toAppError(subject, error);
    }
    if (reply.err !== undefined && reply.err !== null) throw toAppError(subject, reply.err);
    return reply.response as TResult;
  }
}

function toAppError(subject: string, error: unknown): AppError {
  const service = withoutNamespace(subject).split('.')[0];
  if (error instanceof AppError) return error;
  if (isErrorPayload(error))
    return new AppError(error.code as ErrorCode, error.message, error.details ?? []);
  if (error instanceof TimeoutError || (error as Error)?.cause instanceof TimeoutError) {
    return new AppError(ErrorCode.UPSTREAM_TIMEOUT, `No answer from ${service} in time; try again`);
  }
  if (error instanceof RequestError && error.isNoResponders()) {
    return new AppError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `No ${service} service is running; try again once it is back`,
    );
  }
  const message = (error as Error)?.message ?? String(error);
  return new AppError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `The ${service} service is unavailable: ${message}`,
  );
}
