const DAY_MS = 86_400_000;
/** China Standard Time, where the stores are: a task due today is on time until midnight there. */
const CST_OFFSET_MS = 8 * 3_600_000;

/** The last millisecond of the store day (China time) that `at` falls in. */
export function endOfStoreDay(at: Date): Date {
  const dayStart = Math.floor((at.getTime() + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
  return new Date(dayStart + DAY_MS - 1);
}

/** Done on time: closed before the end of its due day (store time), not to the minute. */
export function doneOnTime(dueAt: Date, closedAt: Date): boolean {
  return closedAt.getTime() <= endOfStoreDay(dueAt).getTime();
}
