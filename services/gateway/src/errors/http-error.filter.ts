import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError, ErrorCode, ErrorPayload, httpStatusOf } from '@crm/contracts';

/**
 * The one place codes become HTTP statuses. Every error body is
 * `{ "error": { "code", "message", "details" } }` (CONTRACTS.md §1).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, error } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception }, error.message);
    if (status === 429) void reply.header('retry-after', '1');
    void reply
      .status(status)
      .send({ error: { code: error.code, message: error.message, details: error.details ?? [] } });
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
