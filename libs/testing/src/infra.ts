import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { InfraEndpoints } from './infra-endpoints';

export type { InfraEndpoints };

const run = promisify(execFile);
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * Where the tests' infrastructure comes from (ARCHITECTURE.md, Testing), in this order:
 * 1. endpoints given in the environment (NATS_URL, KAFKA_BROKERS, MONGO_URL, all three);
 * 2. containers, when a Docker engine answers;
 * 3. the local infrastructure of scripts/infra, installed and started if needed.
 * It never skips: if none can be had, it fails with what to do.
 */
export async function resolveInfra(
  log: (line: string) => void = console.log,
): Promise<InfraEndpoints> {
  const { NATS_URL, KAFKA_BROKERS, MONGO_URL } = process.env;
  if (NATS_URL && KAFKA_BROKERS && MONGO_URL) {
    log(
      `[harness] using infrastructure from the environment: ${NATS_URL} ${KAFKA_BROKERS} ${MONGO_URL}`,
    );
    return { NATS_URL, KAFKA_BROKERS, MONGO_URL };
  }
  if (process.env.CRM_TEST_INFRA !== 'local' && (await dockerAnswers())) {
    log('[harness] a Docker engine answers: starting NATS, Kafka and MongoDB containers');
    // Loaded only here: testcontainers is not needed where no Docker engine runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startContainers } = require('./containers') as typeof import('./containers');
    return startContainers();
  }
  log('[harness] no Docker engine: using the local infrastructure (scripts/infra/up.sh)');
  await runVisible('bash', [join(REPO_ROOT, 'scripts/infra/up.sh')]);
  return localEndpoints();
}

export function localEndpoints(env: NodeJS.ProcessEnv = process.env): InfraEndpoints {
  return {
    NATS_URL: `nats://127.0.0.1:${env.NATS_PORT ?? 4222}`,
    KAFKA_BROKERS: `127.0.0.1:${env.KAFKA_PORT ?? 9092}`,
    MONGO_URL: `mongodb://127.0.0.1:${env.MONGO_PORT ?? 27017}`,
  };
}

async function dockerAnswers(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs a long step with its progress lines shown; rejects with its exit code. */
function runVisible(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${command} ${args.join(' ')} exited with ${code}: see the [infra] lines above and ~/.cache/pharmacy-crm/infra/logs`,
            ),
          ),
    );
  });
}
