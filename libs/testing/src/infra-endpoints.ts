/** Where the tests' NATS, Kafka and MongoDB-wire server answer. */
export interface InfraEndpoints {
  NATS_URL: string;
  KAFKA_BROKERS: string;
  MONGO_URL: string;
}
