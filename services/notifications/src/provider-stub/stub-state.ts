import { randomBytes } from 'node:crypto';

/** One send the stub took (the first with its idempotency key); repeats only count. */
export interface ReceivedMessage {
  provider: string;
  providerMessageId: string;
  idempotencyKey: string;
  /** Our message id as the caller sent it (the id webhooks name). */
  messageId: string;
  channel: string;
  to: string;
  body: string;
  receivedAt: string;
  /** Sends with the same key after the first: answered with the same id, not delivered again. */
  repeats: number;
}

/** What the next sends to a provider should suffer (control endpoint `POST /control/faults`). */
export interface FaultPlan {
  /** `error`: answer `status` (5xx, or 429 with Retry-After); `timeout`: never answer. */
  mode: 'error' | 'timeout' | 'none';
  status?: number;
  retryAfterSeconds?: number;
  /** How many sends suffer it (default: all until cleared). */
  count?: number;
  /** Probability 0..1 that a send suffers it (default 1). */
  rate?: number;
  /** Answer every send this much later (slow provider), faults or not. */
  delayMs?: number;
  /** Deliver (webhook `delivered`) or report `failed` after accepting. */
  outcome?: 'delivered' | 'failed';
}

/**
 * The stub's memory: accepted messages per provider and idempotency key, and the faults asked
 * for. In memory on purpose: a stub restart is a provider that forgot, which tests may want.
 */
export class StubState {
  readonly received: ReceivedMessage[] = [];
  private readonly byKey = new Map<string, ReceivedMessage>();
  private readonly faults = new Map<string, FaultPlan>();

  find(provider: string, key: string): ReceivedMessage | undefined {
    return this.byKey.get(`${provider}\u0000${key}`);
  }

  accept(message: Omit<ReceivedMessage, 'providerMessageId' | 'receivedAt' | 'repeats'>) {
    const stored: ReceivedMessage = {
      ...message,
      providerMessageId: `${message.provider}_${randomBytes(9).toString('base64url')}`,
      receivedAt: new Date().toISOString(),
      repeats: 0,
    };
    this.received.push(stored);
    this.byKey.set(`${message.provider}\u0000${message.idempotencyKey}`, stored);
    return stored;
  }

  setFaults(provider: string, plan: FaultPlan): void {
    this.faults.set(provider, plan);
  }

  faultsOf(provider: string): FaultPlan {
    return this.faults.get(provider) ?? { mode: 'none' };
  }

  /** The fault this send suffers, counting it down; null when it goes through. */
  takeFault(provider: string): FaultPlan | null {
    const plan = this.faults.get(provider);
    if (!plan || plan.mode === 'none') return null;
    if (plan.rate !== undefined && Math.random() >= plan.rate) return null;
    if (plan.count !== undefined) {
      if (plan.count <= 0) return null;
      plan.count--;
    }
    return plan;
  }

  reset(): void {
    this.received.length = 0;
    this.byKey.clear();
    this.faults.clear();
  }
}
