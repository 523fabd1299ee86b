import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { currentTraceId } from '@crm/observability';

/** Every answer names its trace (`x-trace-id`), so staff can quote it and operators find every log line. */
export function exposeTraceId(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      const traceId = currentTraceId();
      if (traceId) void reply.header('x-trace-id', traceId);
      return payload;
    });
}
