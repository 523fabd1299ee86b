import { namesOnTheBus } from './bus-namespace';

/**
 * Kafka topics (CONTRACTS.md §3, §5). Changing a name is a new version, never an edit. Each is
 * used as `namesOnTheBus` spells it (a test run's namespace first).
 */
export const Topics = namesOnTheBus({
  posTransactions: 'pos.transactions.v1',
  membersEvents: 'members.events.v1',
  loyaltyEvents: 'loyalty.events.v1',
  careEvents: 'care.events.v1',
  complaintsEvents: 'complaints.events.v1',
  notificationsEvents: 'notifications.events.v1',
} as const);

/** Where messages that cannot be applied go, with the reason (CONTRACTS.md §3). */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
