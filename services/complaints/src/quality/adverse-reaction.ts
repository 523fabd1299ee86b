const DAY = 86_400_000;

/**
 * The national ADR reporting deadline: 15 days from when the chain learnt of the reaction, 3 for
 * a serious one (death, danger to life, hospital stay, disability, birth defect).
 */
export function adrReportDueAt(receivedAt: Date, serious: boolean): Date {
  return new Date(receivedAt.getTime() + (serious ? 3 : 15) * DAY);
}

/** Who an adverse-reaction case goes to at once, whoever took it. */
export const ADR_ESCALATION = 'pharmacist' as const;
