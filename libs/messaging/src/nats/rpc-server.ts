import {
  applyDecorators,
  ArgumentsHost,
  CallHandler,
  Catch,
  Controller,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  RpcExceptionFilter,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { from, Observable, lastValueFrom, throwError } from 'rxjs';
import { AppError, ErrorCode, ErrorPayload, isErrorPayload, NatsHeader } from '@crm/contracts';
import { contextFromTraceparent, inSpan, SpanKind } from '@crm/observability';
import type { RpcActor } from './nats-rpc.client';

/**
 * Turns any error thrown by a NATS handler into the coded payload the gateway maps to HTTP.
 * Unexpected errors become INTERNAL with no internals in the message.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<ErrorPayload> {
    if (exception instanceof AppError) return throwError(() => exception.toPayload());
    if (isErrorPayload(exception)) return throwError(() => exception);
    return throwError(() => ({ code: ErrorCode.INTERNAL, message: 'Internal error', details: [] }));
  }
}

/** Continues the caller's trace: each NATS request is handled in a server span. */
@Injectable()
export class RpcTracingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const nats = context.switchToRpc().getContext<NatsContext>();
    const parent = contextFromTraceparent(nats.getHeaders()?.get(NatsHeader.traceparent));
    return from(
      inSpan(
        `${nats.getSubject()} handle`,
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
        {
          kind: SpanKind.SERVER,
          parent,
          attributes: {
            'messaging.system': 'nats',
            'messaging.destination.name': nats.getSubject(),
          },
        },
      ),
    );
  }
}

/** The staff member on whose behalf a request was made, as the gateway verified it. */
export function actorOf(nats: NatsContext): RpcActor | undefined {
  const raw = nats.getHeaders()?.get(NatsHeader.actor);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as RpcActor;
  } catch {
    return undefined;
  }
}

/**
 * A controller of NATS handlers: each request continues the caller's trace, and each error
 * goes back as a coded payload. (Declared on the controller because a hybrid app's
 * microservice is initialised before global enhancers could be registered on it.)
 */
export const NatsController = () =>
  applyDecorators(
    Controller(),
    UseFilters(new RpcErrorFilter()),
    UseInterceptors(RpcTracingInterceptor),
  );
