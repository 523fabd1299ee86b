import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import type { MemberContactView } from '@crm/contracts';
import { NotificationsConfig } from '../notifications.config';
import type { MessageDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { DeliverMessage } from './deliver-message';

/** A message decided and queued on this replica just now, with the contact its decision read. */
export interface HandedOver {
  doc: MessageDocument;
  contact: MemberContactView;
}

/** A due message waiting for a place, with the contact read and when, if it was handed over. */
interface Ahead {
  doc: MessageDocument;
  handed?: { contact: MemberContactView; readAt: number };
}

/**
 * Every replica runs this loop: it looks for due messages (queued, or deferred whose quiet
 * hours or retry delay are over) every DISPATCH_POLL_MS, and at once when a send on this
 * replica queued one. Replicas may pick the same message: the attempt itself is claimed by an
 * insert (`attempt:<message>:<n>`), so exactly one of them makes it. Nothing here is state
 * that matters: a replica that dies leaves its claims to expire after the attempt lease.
 *
 * Attempts run as a pool of DELIVERY_CONCURRENCY: a freed place is filled from the next look
 * (the messages taken together start as one batch: DeliverMessage.attemptMany),
 * so one slow attempt (a provider near its timeout) holds one place, not a whole batch. A
 * message this replica is attempting is not taken again by it while the attempt runs, even if
 * the attempt outlasts its claim's lease and the message is due again meanwhile.
 *
 * A send on this replica hands over what it queued for now (`handOver`): those messages wait
 * here, not in a look, and go to the address their decision read a moment ago. The hand-over
 * is a shortcut, never the record: they are queued in the store, so what this queue drops
 * (it is full) or loses (the process dies) is found by the next look of any replica.
 */
/**
 * How old a handed-over contact may be when its attempt starts; an older one is asked again
 * (a consent withdrawn since is then honoured, as for any message found by a look).
 */
const HANDED_CONTACT_MAX_AGE_MS = 30_000;

@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;
  private readonly inHand = new Map<string, Promise<void>>();
  /** Due messages looked up or handed over and not started yet, oldest due first. */
  private ahead: Ahead[] = [];
  /** Senders waiting for room ahead (`room`), woken whenever attempts start. */
  private roomWaiters: (() => void)[] = [];
  private lookedAt = 0;
  /** The last look found something not in hand or waiting: there may be more behind it. */
  private lastLookFound = true;

  constructor(
    private readonly store: MessagesRepository,
    private readonly deliver: DeliverMessage,
    private readonly config: NotificationsConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('DeliveryScheduler');
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.wakeRoomWaiters();
    await this.loop;
    await Promise.allSettled(this.inHand.values());
  }

  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /**
   * Messages a send on this replica just decided and queued: those due now wait here for a place
   * (up to twice DELIVERY_BATCH; the rest is left to the look) and are sent with the contact
   * their decision read, if they start within HANDED_CONTACT_MAX_AGE_MS of it.
   */
  handOver(items: readonly HandedOver[]): void {
    const waiting = new Set(this.ahead.map((item) => item.doc._id));
    const readAt = Date.now();
    for (const { doc, contact } of items) {
      if (this.ahead.length >= 2 * this.config.DELIVERY_BATCH) break;
      if (doc.status !== 'queued' || doc.dueAt.getTime() > readAt) continue; // not due yet
      if (this.inHand.has(doc._id) || waiting.has(doc._id)) continue;
      this.ahead.push({ doc, handed: { contact, readAt } });
    }
    this.nudge();
  }

  /**
   * Resolves once no more than DELIVERY_BATCH messages wait here, or after `maxWaitMs`: a
   * campaign decides its next batch while this one is sent, not faster than delivery goes.
   */
  async room(maxWaitMs: number): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (this.running && this.ahead.length > this.config.DELIVERY_BATCH) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await Promise.race([
        sleep(left),
        new Promise<void>((resolve) => this.roomWaiters.push(resolve)),
      ]);
    }
  }

  /**
   * Starts attempts for what is due, up to the free places; returns how many it started. Due
   * messages are looked up DELIVERY_BATCH at a time and kept until started: on the local store a
   * look sorts every queued message (it is not handed to PostgreSQL), so looking once per batch
   * rather than once per freed place is most of what a message costs the store while a campaign
   * fills the queue. A look whose messages were all in hand or waiting already (a campaign's,
   * handed over) is not repeated before DISPATCH_POLL_MS. A message taken from a look a few
   * seconds old may have been attempted by another replica meanwhile: its attempt claim (an
   * insert) tells, as always.
   */
  async dispatchDue(): Promise<number> {
    const free = this.config.DELIVERY_CONCURRENCY - this.inHand.size;
    if (free <= 0) return 0;
    const stale = Date.now() - this.lookedAt >= this.config.DISPATCH_POLL_MS;
    if (stale || (this.ahead.length === 0 && this.lastLookFound)) await this.look();
    const starting = this.ahead.splice(0, free);
    this.wakeRoomWaiters();
    const fresh = Date.now() - HANDED_CONTACT_MAX_AGE_MS;
    const contacts = new Map<string, MemberContactView>();
    for (const { doc, handed } of starting)
      if (handed && handed.readAt >= fresh) contacts.set(doc._id, handed.contact);
    const due = starting.map((item) => item.doc);
    const attempts = this.deliver.attemptMany(due, contacts);
    due.forEach((doc, k) => {
      const attempt = attempts[k]!.catch((error: unknown) => {
        this.logger.warn(
          { err: error, messageId: doc._id },
          'delivery attempt failed; retried later',
        );
      }).finally(() => {
        this.inHand.delete(doc._id);
        // Half the places free: look for more now rather than at the next poll.
        if (this.inHand.size <= this.config.DELIVERY_CONCURRENCY / 2) this.nudge();
      });
      this.inHand.set(doc._id, attempt);
    });
    return due.length;
  }

  /**
   * Puts what the store has due (oldest due first) before what was handed over, once each. Also
   * while hand-overs keep the queue full, at least every DISPATCH_POLL_MS, so a retry or a
   * deferred message coming due is not held back behind a long campaign.
   */
  private async look(): Promise<void> {
    this.lookedAt = Date.now();
    const now = new Date();
    const found = [
      ...(await this.store.due('queued', now, this.config.DELIVERY_BATCH)),
      ...(await this.store.due('deferred', now, this.config.DELIVERY_BATCH)),
    ];
    const waiting = new Set(this.ahead.map((item) => item.doc._id));
    const looked = found
      .filter((doc) => !this.inHand.has(doc._id) && !waiting.has(doc._id))
      .map((doc) => ({ doc }));
    this.ahead = [...looked, ...this.ahead];
    this.lastLookFound = looked.length > 0;
  }

  private wakeRoomWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let started = 0;
      try {
        started = await this.dispatchDue();
      } catch (error) {
        this.logger.warn({ err: error }, 'dispatch pass failed');
      }
      if (!this.running) break;
      const full = this.inHand.size >= this.config.DELIVERY_CONCURRENCY;
      if (!full && (this.nudged || started > 0)) continue;
      await Promise.race([
        sleep(this.config.DISPATCH_POLL_MS),
        new Promise<void>((resolve) => (this.wake = resolve)),
      ]);
      this.wake = undefined;
    }
  }
}
