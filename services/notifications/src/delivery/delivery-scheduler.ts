import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PinoLogger } from 'nestjs-pino';
import { forEachConcurrently } from '@crm/messaging';
import { NotificationsConfig } from '../notifications.config';
import { MessagesRepository } from '../messages/messages.repository';
import { DeliverMessage } from './deliver-message';

const BATCH = 50;
const CONCURRENCY = 8;

/**
 * Every replica runs this loop: it looks for due messages (queued, or deferred whose quiet
 * hours or retry delay are over) every DISPATCH_POLL_MS, and at once when a send on this
 * replica queued one. Replicas may pick the same message: the attempt itself is claimed by an
 * insert (`attempt:<message>:<n>`), so exactly one of them makes it. Nothing here is state
 * that matters: a replica that dies leaves its claims to expire after the attempt lease.
 */
@Injectable()
export class DeliveryScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private nudged = false;

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
  }

  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** One pass over what is due now; returns how many messages it looked at. */
  async dispatchDue(): Promise<number> {
    const now = new Date();
    const due = [
      ...(await this.store.due('queued', now, BATCH)),
      ...(await this.store.due('deferred', now, BATCH)),
    ];
    await forEachConcurrently(due, CONCURRENCY, (doc) =>
      this.deliver.attempt(doc).catch((error: unknown) => {
        this.logger.warn(
          { err: error, messageId: doc._id },
          'delivery attempt failed; retried later',
        );
      }),
    );
    return due.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.nudged = false;
      let looked = 0;
      try {
        looked = await this.dispatchDue();
      } catch (error) {
        this.logger.warn({ err: error }, 'dispatch pass failed');
      }
      if (!this.running) break;
      if (this.nudged || looked >= BATCH) continue;
      await Promise.race([
        sleep(this.config.DISPATCH_POLL_MS),
        new Promise<void>((resolve) => (this.wake = resolve)),
      ]);
      this.wake = undefined;
    }
  }
}
