import { randomUUID } from 'node:crypto';
import { resolveInfra } from './infra';

/**
 * Runs once before the integration and e2e tiers; workers and the services they start inherit
 * the endpoints and the run's bus namespace through the environment. The namespace gives the
 * run its own NATS subjects and Kafka topics, so it can share brokers with a running system
 * (`npm start`) or another run without either answering or reading the other's messages.
 */
export default async function globalSetup(): Promise<void> {
  process.env.BUS_NAMESPACE ||= `test-${randomUUID().slice(0, 8)}`;
  if (process.env.CRM_INFRA_READY === '1') return;
  const endpoints = await resolveInfra();
  Object.assign(process.env, endpoints, { CRM_INFRA_READY: '1' });
  console.log(
    `[harness] this run's NATS subjects and Kafka topics start with ${process.env.BUS_NAMESPACE}.`,
  );
}
