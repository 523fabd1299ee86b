/**
 * An optional prefix on every NATS subject and Kafka topic of a process, read once when the
 * contracts load. Empty in deployments. A test run sets its own (`BUS_NAMESPACE`, checked with
 * the rest of the config at start-up), so the services it starts and a system already running
 * on the same brokers never take each other's requests, join each other's queue groups or read
 * each other's events.
 */
export const BUS_NAMESPACE = process.env.BUS_NAMESPACE ?? '';

/** A subject or topic name as this process uses it on the wire. */
export function onTheBus(name: string): string {
  return BUS_NAMESPACE ? `${BUS_NAMESPACE}.${name}` : name;
}

/** The name as the contracts spell it, whatever namespace it travelled in. */
export function withoutNamespace(name: string): string {
  return BUS_NAMESPACE && name.startsWith(`${BUS_NAMESPACE}.`)
    ? name.slice(BUS_NAMESPACE.length + 1)
    : name;
}

/** A tree of names with every leaf as `onTheBus` spells it. */
export type NamesOnTheBus<T> = {
  readonly [K in keyof T]: T[K] extends string ? string : NamesOnTheBus<T[K]>;
};

export function namesOnTheBus<T extends object>(names: T): NamesOnTheBus<T> {
  return Object.fromEntries(
    Object.entries(names).map(([key, value]) => [
      key,
      typeof value === 'string' ? onTheBus(value) : namesOnTheBus(value as object),
    ]),
  ) as NamesOnTheBus<T>;
}
