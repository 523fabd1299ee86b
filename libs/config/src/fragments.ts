// Types are written out on every variable: implicit conversion reads them from decorator metadata.
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { FAILPOINT_PATTERN } from './failpoints';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TRACE_EXPORTERS = ['none', 'console', 'otlp'] as const;

/** What every process reads: its HTTP port (API or health/metrics), logging, tracing and NATS. */
export class BaseConfig {
  @IsInt() @Min(1) @Max(65535) HTTP_PORT!: number;

  @IsIn(LOG_LEVELS) LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Tracing is always on in-process (trace ids in logs and headers); exporting is opt-in. */
  @IsIn(TRACE_EXPORTERS) OTEL_TRACES_EXPORTER: (typeof TRACE_EXPORTERS)[number] = 'none';
  @IsOptional() @IsUrl({ require_tld: false }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  @IsNumber() @Min(0) @Max(1) OTEL_SAMPLE_RATIO: number = 1;

  @Matches(/^nats:\/\/[^\s,]+(,nats:\/\/[^\s,]+)*$/, {
    message: 'NATS_URL must be nats://host:port[,nats://…]',
  })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Grace period for in-flight work on SIGTERM. */
  @IsInt() @Min(0) SHUTDOWN_GRACE_MS: number = 10000;

  /**
   * A prefix on every NATS subject and Kafka topic (`onTheBus` in the contracts). Empty in
   * deployments; each test run sets its own so it shares brokers with a running system safely.
   */
  @Matches(/^([a-z0-9][a-z0-9-]*)?$/, {
    message: 'BUS_NAMESPACE may hold lower-case letters, digits and -',
  })
  BUS_NAMESPACE: string = '';

  /** Fault tests' crash points (failpoints.ts): refused outside NODE_ENV=test. */
  @IsOptional()
  @Matches(FAILPOINT_PATTERN, { message: 'FAILPOINTS must be name[@n][,name[@n]…]' })
  @OnlyInTests()
  FAILPOINTS?: string;
}

/** A setting only tests may give (a failpoint, a test clock): refused outside NODE_ENV=test. */
export function OnlyInTests() {
  return ValidateBy({
    name: 'onlyInTests',
    validator: {
      validate: () => process.env.NODE_ENV === 'test',
      defaultMessage: () => 'is honoured only in tests (NODE_ENV=test); unset it',
    },
  });
}

/** A domain service also owns a MongoDB database and talks to Kafka. */
export class ServiceConfig extends BaseConfig {
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port]',
  })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must be a mongodb:// URL' })
  MONGO_URL: string = 'mongodb://127.0.0.1:27017';

  @IsString()
  @Matches(/^[a-z0-9_]+$/, { message: 'MONGO_DB must be lower-case letters, digits or _' })
  MONGO_DB!: string;

  /** How often the outbox relay looks for unsent events when no write has nudged it. */
  @IsInt() @Min(10) OUTBOX_POLL_MS: number = 250;

  /** Handler attempts before a Kafka message goes to its dead-letter topic. */
  @IsInt() @Min(1) @Max(20) CONSUMER_MAX_ATTEMPTS: number = 3;

  /**
   * Appended to every consumer group id. Empty in deployments; a test run sets its own, so
   * it neither takes messages from nor leaves offsets for anything else on the same broker.
   */
  @Matches(/^[A-Za-z0-9._-]*$/, {
    message: 'CONSUMER_GROUP_SUFFIX may hold letters, digits, . _ -',
  })
  CONSUMER_GROUP_SUFFIX: string = '';

  /**
   * Where a consumer group with no committed offsets starts: `earliest` (a new deployment
   * processes the whole topic) or an ISO time (a test run sees only what came after it).
   */
  @Matches(/^(earliest|\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/, {
    message:
      'CONSUMER_NEW_GROUP_START must be earliest or an ISO time such as 2026-11-22T10:00:00Z',
  })
  CONSUMER_NEW_GROUP_START: string = 'earliest';

  /**
   * How long a single-writer service's lease term lasts unrenewed (renewed every third of
   * it): the longest a successor waits after the writer dies without a goodbye.
   */
  @IsInt() @Min(1000) @Max(300_000) WRITER_LEASE_MS: number = 10000;
}

export function kafkaBrokers(config: ServiceConfig): string[] {
  return config.KAFKA_BROKERS.split(',');
}

export function natsServers(config: BaseConfig): string[] {
  return config.NATS_URL.split(',');
}
