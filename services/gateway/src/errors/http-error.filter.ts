import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, ErrorPayload, httpStatusOf } from '@crm/contracts';
import { allowedMethods } from '../http/allowed-methods';
import { errorBody } from './error-body';

/**
 * The one place codes become HTTP statuses. Every error body is
 * `{ "error": { "code", "message", "details" } }` (CONTRACTS.md §1).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, error } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception }, error.message);
    // The rate-limit guard sets the exact wait; a 429 from elsewhere gets one second.
    if (status === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '1');
    // No route for this method: a known path with other methods is a 405 naming them.
    if (exception instanceof NotFoundException && request?.is404) {
      const allowed = allowedMethods(request);
      if (allowed.length > 0) {
        void reply
          .header('allow', allowed.join(', '))
          .status(405)
          .send(
            errorBody({
              code: ErrorCode.METHOD_NOT_ALLOWED,
              message: `${request.method} is not allowed here; use ${allowed.join(', ')}`,
            }),
          );
        return;
      }
    }
    void reply.status(status).send(errorBody(error));
  }

  private describe(exception: unknown): { status: number; error: ErrorPayload } {
    if (exception instanceof AppError)
      return { status: httpStatusOf(exception.code), error: exception.toPayload() };
    if (exception instanceof HttpException) return fromHttpException(exception);
    const fastifyError = exception as { statusCode?: number; message?: string; code?: string };
    if (fastifyError?.statusCode && fastifyError.statusCode < 500) {
      // e.g. a body that is not valid JSON, or one too large
      return {
        status: fastifyError.statusCode,
        error: {
          code: ErrorCode.VALIDATION_FAILED,
          message: fastifyError.message ?? 'Bad request',
          details: [],
        },
      };
    }
    return { status: 500, error: { code: ErrorCode.INTERNAL, message: 'Internal error' } };
  }
}

function fromHttpException(exception: HttpException): { status: number; error: ErrorPayload } {
  const status = exception.getStatus();
  const code =
    status === 404
      ? ErrorCode.NOT_FOUND
      : status === 429
        ? ErrorCode.RATE_LIMITED
        : status < 500
          ? ErrorCode.VALIDATION_FAILED
          : ErrorCode.INTERNAL;
  return { status, error: { code, message: exception.message } };
}
