import { namesOnTheBus } from './bus-namespace';

/**
 * NATS request/reply subjects, versioned. Internal to the platform, but one list keeps them
 * honest. Each is used as `namesOnTheBus` spells it (a test run's namespace first).
 */
export const Subjects = namesOnTheBus({
  members: {
    register: 'members.v1.register',
    get: 'members.v1.get',
    /** A member's home store, for store scoping in the service that acts (ids only). */
    homeStore: 'members.v1.home-store',
    /** Where to reach a member on a channel and their marketing consent, at send time (notifications). */
    contact: 'members.v1.contact',
    /** The same for a batch of members on one channel (a campaign page, a batch of deliveries). */
    contacts: 'members.v1.contacts',
    find: 'members.v1.find',
    purchases: 'members.v1.purchases',
    healthAudit: 'members.v1.health-audit',
    update: 'members.v1.update',
    history: 'members.v1.history',
    export: 'members.v1.export',
    erase: 'members.v1.erase',
    recordAttendance: 'members.v1.record-attendance',
    analytics: 'members.v1.analytics',
    merge: 'members.v1.merge',
    /** Ids of members with a birthday in a month (loyalty's birthday coupons). */
    birthdays: 'members.v1.birthdays',
    segments: {
      preview: 'members.v1.segments.preview',
      save: 'members.v1.segments.save',
      get: 'members.v1.segments.get',
      members: 'members.v1.segments.members',
    },
    /** Archive imports: the file arrives in parts (create, append…, commit), then runs in the background. */
    imports: {
      create: 'members.v1.imports.create',
      append: 'members.v1.imports.append',
      commit: 'members.v1.imports.commit',
      get: 'members.v1.imports.get',
    },
  },
  loyalty: {
    points: 'loyalty.v1.points.get',
    redeem: 'loyalty.v1.points.redeem',
    adjust: 'loyalty.v1.points.adjust',
    bonus: 'loyalty.v1.points.bonus',
    tier: 'loyalty.v1.tier.get',
    /** What loyalty holds about a member (`GET /members/{id}/export`, with the members service's). */
    export: 'loyalty.v1.export',
    earningRules: {
      create: 'loyalty.v1.earning-rules.create',
      list: 'loyalty.v1.earning-rules.list',
    },
    rewards: {
      create: 'loyalty.v1.rewards.create',
      update: 'loyalty.v1.rewards.update',
      list: 'loyalty.v1.rewards.list',
    },
    coupons: {
      createDefinition: 'loyalty.v1.coupons.definitions.create',
      listDefinitions: 'loyalty.v1.coupons.definitions.list',
      issue: 'loyalty.v1.coupons.issue',
      list: 'loyalty.v1.coupons.list',
      redeem: 'loyalty.v1.coupons.redeem',
      /** Called by the complaints service when a complaint is resolved with a coupon. */
      compensate: 'loyalty.v1.coupons.compensate',
    },
  },
  notifications: {
    /** CONTRACTS.md §6: the one way another service asks for a message. */
    send: 'notifications.v1.send',
    timeline: 'notifications.v1.timeline',
    /** A member's messages, newest first (`GET /members/{id}/notifications`). */
    list: 'notifications.v1.list',
    /** A provider callback the gateway verified (CONTRACTS.md §4). */
    webhook: 'notifications.v1.webhook',
    export: 'notifications.v1.export',
    /** Message templates as data: versions inserted once (`POST/GET /notification-templates`). */
    templates: {
      save: 'notifications.v1.templates.save',
      list: 'notifications.v1.templates.list',
    },
    /** A member's contact preferences (`PUT/GET /members/{id}/contact-preferences`). */
    preferences: {
      put: 'notifications.v1.preferences.put',
      get: 'notifications.v1.preferences.get',
    },
    /** Call tasks: messages on the `call` channel, for staff to make (`GET /call-tasks`). */
    callTasks: 'notifications.v1.call-tasks.list',
    /** A message to every member of a saved segment, run in the background (`POST /campaigns`). */
    campaigns: {
      create: 'notifications.v1.campaigns.create',
      get: 'notifications.v1.campaigns.get',
      cancel: 'notifications.v1.campaigns.cancel',
    },
  },
  carePlans: {
    timeline: 'care-plans.v1.timeline',
    /** What care-plans holds about a member (`GET /members/{id}/export`). */
    export: 'care-plans.v1.export',
    templates: {
      list: 'care-plans.v1.templates.list',
      save: 'care-plans.v1.templates.save',
    },
    plans: {
      enrol: 'care-plans.v1.plans.enrol',
      list: 'care-plans.v1.plans.list',
      change: 'care-plans.v1.plans.change',
    },
    tasks: {
      list: 'care-plans.v1.tasks.list',
      complete: 'care-plans.v1.tasks.complete',
      reassign: 'care-plans.v1.tasks.reassign',
    },
    indicators: {
      record: 'care-plans.v1.indicators.record',
      list: 'care-plans.v1.indicators.list',
    },
    adherence: 'care-plans.v1.adherence',
    safetyCheck: 'care-plans.v1.safety-check',
    analytics: 'care-plans.v1.analytics',
    cadence: {
      get: 'care-plans.v1.cadence.get',
      schedule: 'care-plans.v1.cadence.schedule',
    },
    stopped: 'care-plans.v1.stopped',
  },
  complaints: {
    receive: 'complaints.v1.receive',
    get: 'complaints.v1.get',
    list: 'complaints.v1.list',
    transition: 'complaints.v1.transition',
    timeline: 'complaints.v1.timeline',
    /** What complaints holds about a member (`GET /members/{id}/export`). */
    export: 'complaints.v1.export',
    slaPolicies: {
      get: 'complaints.v1.sla-policies.get',
      put: 'complaints.v1.sla-policies.put',
    },
    analytics: 'complaints.v1.analytics',
    improvementActions: {
      create: 'complaints.v1.improvement-actions.create',
      list: 'complaints.v1.improvement-actions.list',
    },
  },
} as const);

/** NATS header names the platform sets on every request. */
export const NatsHeader = {
  traceparent: 'traceparent',
  actor: 'x-actor',
} as const;
