import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { kafkaBrokers, type ServiceConfig } from '@crm/config';
import { createKafka, createProducer, ensureTopics } from '@crm/messaging';
import { createLogger, ReadinessProbes } from '@crm/observability';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const InjectKafka = () => Inject(KAFKA);
export const InjectProducer = () => Inject(KAFKA_PRODUCER);

/** The process's Kafka client and one connected idempotent producer; topics created up front. */
@Global()
@Module({})
export class KafkaModule implements OnApplicationShutdown {
  constructor(@InjectProducer() private readonly producer: Producer) {}

  static forRoot(service: string, config: ServiceConfig, topics: string[]): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA,
          useFactory: async () => {
            const kafka = createKafka(
              service,
              kafkaBrokers(config),
              createLogger(`${service}.kafka`, config.LOG_LEVEL),
            );
            const admin = kafka.admin();
            await admin.connect();
            await ensureTopics(admin, topics);
            await admin.disconnect();
            return kafka;
          },
        },
        {
          provide: KAFKA_PRODUCER,
          inject: [KAFKA, ReadinessProbes],
          useFactory: async (kafka: Kafka, probes: ReadinessProbes) => {
            const producer = createProducer(kafka);
            let connected = false;
            producer.on(producer.events.CONNECT, () => (connected = true));
            producer.on(producer.events.DISCONNECT, () => (connected = false));
            await producer.connect();
            probes.register('kafka', () => connected);
            return producer;
          },
        },
      ],
      exports: [KAFKA, KAFKA_PRODUCER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
