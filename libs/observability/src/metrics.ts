import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from './health';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

let defaultsCollected = false;

/** Process metrics (CPU, memory, event loop, GC), collected once per process. */
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
  defaultsCollected = true;
}

function singleton<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export const httpRequestDuration = () =>
  singleton(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration by route and status',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      }),
  );

export const messagesConsumed = () =>
  singleton(
    'kafka_messages_consumed_total',
    () =>
      new Counter({
        name: 'kafka_messages_consumed_total',
        help: 'Kafka messages handled, by topic and outcome (applied, duplicate, dead_lettered)',
        labelNames: ['topic', 'outcome'],
      }),
  );

export const outboxRelayed = () =>
  singleton(
    'outbox_events_relayed_total',
    () =>
      new Counter({
        name: 'outbox_events_relayed_total',
        help: 'Events relayed from the outbox to Kafka',
        labelNames: ['topic'],
      }),
  );

@ApiExcludeController()
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
