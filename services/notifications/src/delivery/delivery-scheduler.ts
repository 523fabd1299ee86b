import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { NotificationsConfig } from '../notifications.config';
import type { MessageDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { DeliverMessage } from './deliver-message';

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
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;
  private readonly inHand = new Map<string, Promise<void>>();
  /** Due messages looked up and not started yet, oldest due first. */
  private ahead: MessageDocument[] = [];

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
    await this.loop;
    await Promise.allSettled(this.inHand.values());
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /**
   * Starts attempts for what is due, up to the free places; returns how many it started. Due
   * messages are looked up DELIVERY_BATCH at a time and kept until started: on the local store a
   * look sorts every queued message (it is not handed to PostgreSQL), so looking once per batch
   * rather than once per freed place is most of what a message costs the store while a campaign
   * fills the queue. A message taken from a look a few seconds old may have been attempted by
   * another replica meanwhile: its attempt claim (an insert) tells, as always.
   */
  async dispatchDue(): Promise<number> {
    const free = this.config.DELIVERY_CONCURRENCY - this.inHand.size;
    if (free <= 0) return 0;
    if (this.ahead.length === 0) {
      const now = new Date();
      this.ahead = [
        ...(await this.store.due('queued', now, this.config.DELIVERY_BATCH)),
        ...(await this.store.due('deferred', now, this.config.DELIVERY_BATCH)),
      ].filter((doc) => !this.inHand.has(doc._id));
    }
    const due = this.ahead.splice(0, free);
    const attempts = this.deliver.attemptMany(due);
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
