import type { RefillReminderDocument } from './refill-reminder.document';

/** What the next version of one member's therapy needs: the head, and the fills applied. */
export interface RefillChain {
  head: RefillReminderDocument | null;
  fills: ReadonlySet<string>;
  /** Days refunded of sales not on file yet (a refund that came first), by sale. */
  refundedEarly: ReadonlyMap<string, number>;
}

/** Chains this process has extended or read lately, the oldest forgotten first. */
const REMEMBERED = 50_000;

/**
 * A per-process cache of refill chains, so a run of sales reads nothing for the members it has
 * met before. Only a hint, whatever other replicas write: a stale chain makes a colliding insert
 * (see RecordRefills), never a wrong version, and is invalidated then.
 */
export class RefillChainCache {
  private readonly chains = new Map<string, RefillChain>();

  static key(memberId: string, therapy: string): string {
    return `${memberId}\u0000${therapy}`;
  }

  static split(key: string): [memberId: string, therapy: string] {
    const at = key.indexOf('\u0000');
    return [key.slice(0, at), key.slice(at + 1)];
  }

  static fromVersions(versions: readonly RefillReminderDocument[]): RefillChain {
    let head: RefillReminderDocument | null = null;
    for (const v of versions) if (!head || v.version > head.version) head = v;
    const sales = new Set(versions.filter((v) => (v.days ?? 0) > 0).map((v) => v.transactionId));
    const refundedEarly = new Map<string, number>();
    for (const v of versions)
      if (v.beforeSale && v.refundOf && !sales.has(v.refundOf))
        refundedEarly.set(v.refundOf, (refundedEarly.get(v.refundOf) ?? 0) - (v.days ?? 0));
    return { head, fills: new Set(versions.map((v) => v.fill)), refundedEarly };
  }

  get(key: string): RefillChain | undefined {
    return this.chains.get(key);
  }

  put(key: string, chain: RefillChain): void {
    this.chains.delete(key); // re-inserted last: the most recent
    this.chains.set(key, chain);
    if (this.chains.size > REMEMBERED) this.chains.delete(this.chains.keys().next().value!);
  }

  invalidate(key: string): void {
    this.chains.delete(key);
  }

  invalidateMember(memberId: string): void {
    for (const key of this.chains.keys())
      if (RefillChainCache.split(key)[0] === memberId) this.chains.delete(key);
  }
}
