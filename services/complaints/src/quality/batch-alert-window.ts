const DAY = 86_400_000;

export interface BatchAlertRule {
  threshold: number;
  windowDays: number;
}

/**
 * Whether quality complaints on one batch call for an alert, and under which key: the alert is
 * raised once per batch and window, the windows being fixed periods of `windowDays` counted from
 * the epoch (the key names the period the triggering complaint fell in). `receivedAt` are the
 * quality complaints of the batch received within the `windowDays` before `now`.
 */
export function batchAlertDue(
  sku: string,
  batch: string,
  receivedAt: readonly Date[],
  now: Date,
  rule: BatchAlertRule,
): { key: string; windowStart: Date } | null {
  const windowMs = rule.windowDays * DAY;
  const since = now.getTime() - windowMs;
  const within = receivedAt.filter((at) => at.getTime() >= since && at.getTime() <= now.getTime());
  if (within.length < rule.threshold) return null;
  const period = Math.floor(now.getTime() / windowMs);
  return { key: `batch-alert:${sku}:${batch}:${period}`, windowStart: new Date(period * windowMs) };
}
