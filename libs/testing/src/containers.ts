import { GenericContainer, Wait } from 'testcontainers';
import { KafkaContainer } from '@testcontainers/kafka';
import { MongoDBContainer } from '@testcontainers/mongodb';
import type { InfraEndpoints } from './infra-endpoints';

/** Real NATS, Kafka (KRaft) and MongoDB in containers, for machines with a Docker engine. */
export async function startContainers(): Promise<InfraEndpoints> {
  const [nats, kafka, mongo] = await Promise.all([
    new GenericContainer('nats:2.11-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start(),
    new KafkaContainer('apache/kafka:3.9.1').withKraft().start(),
    new MongoDBContainer('mongo:7').start(),
  ]);
  return {
    NATS_URL: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    MONGO_URL: `${mongo.getConnectionString()}/?directConnection=true`,
  };
}
