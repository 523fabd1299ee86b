/**
 * Marketing caps per member, channel and rolling year, as slots: a cap of N is N slots, and
 * the k-th use of slot n is the document `cap:<member>:<channel>:<n>:<k>`. A slot may be used
 * again (k+1) only once its last use is a year old, so in any year-long window each slot is
 * used at most once and the member gets at most N messages: exact, because taking a use is an
 * insert of its id, and of two concurrent takers of one id exactly one succeeds.
 */
export interface SlotUse {
  slot: number;
  use: number;
  takenAt: Date;
}

/**
 * The use to take next (the free slot, or the slot whose last use is oldest and out of the
 * window); null when the cap is spent. The window is a rolling year unless `windowStart` says
 * otherwise (the contact budget's is a rolling week).
 */
export function nextSlotUse(
  uses: readonly SlotUse[],
  cap: number,
  now: Date,
  windowStart: Date = yearBefore(now),
): { slot: number; use: number } | null {
  return freeSlotUses(uses, cap, windowStart)[0] ?? null;
}

/** Every slot free in the window, as the use that would take it: never used first, then oldest last use. */
export function freeSlotUses(
  uses: readonly SlotUse[],
  cap: number,
  windowStart: Date,
): { slot: number; use: number }[] {
  const latest = new Map<number, SlotUse>();
  for (const use of uses)
    if (use.slot <= cap && (latest.get(use.slot)?.use ?? 0) < use.use) latest.set(use.slot, use);
  const free: { slot: number; use: number }[] = [];
  for (let slot = 1; slot <= cap; slot++) if (!latest.has(slot)) free.push({ slot, use: 1 });
  const reusable = [...latest.values()]
    .filter((use) => use.takenAt.getTime() <= windowStart.getTime())
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
  return [...free, ...reusable.map((use) => ({ slot: use.slot, use: use.use + 1 }))];
}

/** The same moment a calendar year earlier (29 February goes to 28 February). */
export function yearBefore(at: Date): Date {
  const d = new Date(at);
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  if (d.getUTCMonth() !== month) d.setUTCDate(0);
  return d;
}

export function capSlotId(memberId: string, channel: string, slot: number, use: number): string {
  return `cap:${memberId}:${channel}:${slot}:${use}`;
}
