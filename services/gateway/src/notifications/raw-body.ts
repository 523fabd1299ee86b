import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Routes whose handlers need the bytes as received (signed provider webhooks). */
export const RAW_BODY_PREFIX = '/api/v1/webhooks/';

export type RequestWithRawBody = FastifyRequest & { rawBody?: Buffer };

/**
 * Keeps the raw request body beside the parsed one for the webhook routes: a signature is
 * over the bytes received, and JSON re-serialised from the parsed body would differ (key
 * order, spacing, escapes). The body streams through a tee into Fastify's own JSON parser, so
 * its body limit (413) and its protections apply unchanged. Registered as the app is created,
 * before any route exists (a hook added later would miss them).
 */
@Injectable()
export class WebhookRawBody {
  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preParsing', async (request: RequestWithRawBody, _reply, payload) => {
      if (!request.routeOptions.url?.startsWith(RAW_BODY_PREFIX)) return payload;
      const chunks: Buffer[] = [];
      const tee = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done(null, chunk);
        },
        flush(done) {
          request.rawBody = Buffer.concat(chunks);
          done();
        },
      });
      payload.on('error', (error) => tee.destroy(error));
      return payload.pipe(tee);
    });
  }
}
