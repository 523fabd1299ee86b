/** NATS request/reply subjects, versioned. Internal to the platform, but one list keeps them honest. */
export const Subjects = {
  members: {
    register: 'members.v1.register',
    get: 'members.v1.get',
    find: 'members.v1.find',
    purchases: 'members.v1.purchases',
    healthAudit: 'members.v1.health-audit',
  },
} as const;

/** NATS header names the platform sets on every request. */
export const NatsHeader = {
  traceparent: 'traceparent',
  actor: 'x-actor',
} as const;
