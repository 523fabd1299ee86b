import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `attempt` until it succeeds or fails for good. A broker that has just started (or
 * topics being created by several services at once) answers for a while with errors kafkajs
 * marks retriable — no coordinator yet, not the coordinator, leader not available — and some
 * admin calls pass those straight up instead of retrying them.
 */
export async function retryRetriable<T>(
  attempt: () => Promise<T>,
  { attempts = 40, isRetriable = kafkaRetriable }: RetryOptions = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetriable(error) || n >= attempts) throw error;
      await sleep(250 * Math.min(n, 4));
    }
  }
}

export interface RetryOptions {
  attempts?: number;
  isRetriable?: (error: unknown) => boolean;
}

export function kafkaRetriable(error: unknown): boolean {
  return Boolean((error as { retriable?: boolean } | undefined)?.retriable);
}
