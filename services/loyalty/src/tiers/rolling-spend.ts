/** `YYYY-MM` of an instant in the chain's local time. */
export function localMonth(at: Date, utcOffsetMinutes: number): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 7);
}

/** The 12 months a tier is measured on: this local month and the 11 before it. */
export function monthsInWindow(now: Date, utcOffsetMinutes: number): string[] {
  const [year, month] = localMonth(now, utcOffsetMinutes).split('-').map(Number) as [
    number,
    number,
  ];
  return Array.from({ length: 12 }, (_, back) => {
    const index = year * 12 + (month - 1) - back;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

export function spendIn(months: Record<string, { cents: number }>, window: string[]): number {
  return window.reduce((sum, key) => sum + (months[key]?.cents ?? 0), 0);
}
