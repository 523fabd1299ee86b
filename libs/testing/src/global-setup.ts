import { resolveInfra } from './infra';

/** Runs once before the integration and e2e tiers; workers inherit the endpoints via the environment. */
export default async function globalSetup(): Promise<void> {
  if (process.env.CRM_INFRA_READY === '1') return;
  const endpoints = await resolveInfra();
  Object.assign(process.env, endpoints, { CRM_INFRA_READY: '1' });
}
