/**
 * Refill arithmetic: a fill covers `daysSupply × quantity` days; an early refill starts where
 * the supply in hand ends (carried forward); a refund takes its days back from the end. The
 * reminder falls `leadDays` before the supply runs out.
 */
const DAY_MS = 86_400_000;

export interface SupplyLine {
  category: string;
  atc?: string | null;
  quantity: number;
  daysSupply?: number | null;
}

/**
 * The therapy a line belongs to: its ATC class (the chemical subgroup, 5 characters such as
 * C09AA) when the product has one, else the POS category. Safe to use inside an id.
 */
export function therapyClassOf(line: Pick<SupplyLine, 'category' | 'atc'>): string {
  const atc = line.atc?.trim().toUpperCase();
  if (atc) return `atc-${idSafe(atc.slice(0, 5))}`;
  return `cat-${idSafe(line.category.trim().toLowerCase())}`;
}

/** Days of supply per therapy in one transaction (lines without days of supply carry none). */
export function daysByTherapy(lines: readonly SupplyLine[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const line of lines) {
    if (!line.daysSupply || line.daysSupply <= 0) continue;
    const therapy = therapyClassOf(line);
    days.set(therapy, (days.get(therapy) ?? 0) + line.daysSupply * line.quantity);
  }
  return days;
}

export interface Supply {
  supplyEndsAt: Date;
}

/** After a fill of `days` at `fillAt`: what is still in hand is carried forward. */
export function afterFill(
  previous: Supply | null,
  fillAt: Date,
  days: number,
): Supply & { carriedDays: number } {
  const inHandUntil =
    previous && previous.supplyEndsAt.getTime() > fillAt.getTime() ? previous.supplyEndsAt : fillAt;
  return {
    supplyEndsAt: new Date(inHandUntil.getTime() + days * DAY_MS),
    carriedDays: (inHandUntil.getTime() - fillAt.getTime()) / DAY_MS,
  };
}

/**
 * After a refund of `days` at `refundAt`: the supply ends that much earlier, and when it would
 * have ended by now the member has nothing of it left to be reminded about.
 */
export function afterRefund(
  previous: Supply,
  refundAt: Date,
  days: number,
): Supply & { exhausted: boolean } {
  const supplyEndsAt = new Date(previous.supplyEndsAt.getTime() - days * DAY_MS);
  return { supplyEndsAt, exhausted: supplyEndsAt.getTime() <= refundAt.getTime() };
}

export function reminderDueAt(supplyEndsAt: Date, leadDays: number): Date {
  return new Date(supplyEndsAt.getTime() - leadDays * DAY_MS);
}

/** One open reminder per member and therapy: the n-th version of it. */
export function refillReminderId(memberId: string, therapy: string, version: number): string {
  return `refill:${memberId}:${therapy}:${version}`;
}

function idSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`);
}
