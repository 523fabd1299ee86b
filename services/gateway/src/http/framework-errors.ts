import type { Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type ErrorPayload } from '@crm/contracts';
import { errorBody } from '../errors/error-body';

/**
 * Fastify answers some requests before any route, hook or Nest filter sees them, in its own
 * body (`{ "error": "Bad Request", "statusCode": 414 }`): a path parameter over its length
 * limit (414), an undecodable URL (400), and what Node's HTTP parser refuses (431 for
 * headers over its limit, 400, 408). Here those answers get the one error body too.
 *
 * Both of Fastify's hooks for this are constructor options (`frameworkErrors`,
 * `clientErrorHandler`), and the shared boot (service-kit) creates the instance without them.
 * `frameworkErrors` is read from the instance's options at each request, so it is set there;
 * the parser's errors arrive as the server's `clientError` event, whose listener is replaced.
 * Call before the app listens. If a Fastify upgrade moves its options, this throws at start.
 */
export function answerFrameworkErrorsInStandardBody(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const optionsKey = Object.getOwnPropertySymbols(fastify).find(
    (symbol) => symbol.description === 'fastify.options',
  );
  const options = optionsKey
    ? (fastify as unknown as Record<symbol, { frameworkErrors?: unknown }>)[optionsKey]
    : undefined;
  if (!options) throw new Error('Fastify options not found: cannot set frameworkErrors');
  options.frameworkErrors = (
    error: Error & { code?: string },
    _req: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
    const code = status === 414 ? ErrorCode.URI_TOO_LONG : ErrorCode.VALIDATION_FAILED;
    const message =
      status === 414 ? 'A part of the path is too long' : 'The URL cannot be read (bad encoding)';
    void reply.status(status).send(errorBody({ code, message }));
  };

  const server = app.getHttpServer();
  server.removeAllListeners('clientError');
  server.on(
    'clientError',
    (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, reason, payload] = describeClientError(error);
      const body = JSON.stringify(errorBody(payload));
      if (socket.writable)
        socket.write(
          `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      socket.destroy(error);
    },
  );
}

/**
 * Node reports a request line over its header limit as a header overflow too; when the
 * request line has not ended within what was read (or takes most of it), the URI is what is
 * too long, and the answer says so (414).
 */
function describeClientError(error: {
  code?: string;
  rawPacket?: Buffer;
}): [number, string, ErrorPayload] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const packet = error.rawPacket;
    const lineEnd = packet ? packet.indexOf('\r\n') : 0;
    if (packet && (lineEnd === -1 || lineEnd > packet.length / 2))
      return [
        414,
        'URI Too Long',
        { code: ErrorCode.URI_TOO_LONG, message: 'The request URI is too long' },
      ];
    return [
      431,
      'Request Header Fields Too Large',
      { code: ErrorCode.HEADERS_TOO_LARGE, message: "The request's headers are too large" },
    ];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [
      408,
      'Request Timeout',
      { code: ErrorCode.VALIDATION_FAILED, message: 'The request was not received in time' },
    ];
  return [
    400,
    'Bad Request',
    { code: ErrorCode.VALIDATION_FAILED, message: 'The request is not valid HTTP' },
  ];
}
