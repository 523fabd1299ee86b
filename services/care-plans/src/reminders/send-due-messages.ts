import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppError, ErrorCode, type SendNotificationCommand } from '@crm/contracts';
import { PeriodicJob } from '@crm/service-kit';
import { CareBus } from '../bus/care-bus';
import { CarePlansConfig } from '../care-plans.config';
import { MaterializePlan } from '../plans/materialize-plan';
import { PlanMessagesRepository } from '../plans/plan-messages.repository';
import { PlansRepository } from '../plans/plans.repository';
import { refillReminderId } from '../refills/refill-supply';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { SendClaimsRepository } from './send-claims.repository';

const PER_ROUND = 500;

/**
 * Sends what is due through `notifications.v1.send` (purpose clinical, cause = the reminder's
 * id): refill reminders in force and the messages of active plans. Every replica runs this
 * timer; each due message is sent in a round by the replica that claims it by insert. A send
 * refused for being unavailable (notifications down or not deployed yet) keeps the message due
 * for the next round: a reminder is never lost. Also repairs task closures a crash left unshown.
 */
@Injectable()
export class SendDueMessages extends PeriodicJob {
  constructor(
    config: CarePlansConfig,
    private readonly reminders: RefillRemindersRepository,
    private readonly planMessages: PlanMessagesRepository,
    private readonly plans: PlansRepository,
    private readonly tasks: CareTasksRepository,
    private readonly claims: SendClaimsRepository,
    private readonly bus: CareBus,
    private readonly materialize: MaterializePlan,
    protected readonly logger: PinoLogger,
  ) {
    super(config.CARE_SEND_EVERY_MS, 'sending due care messages');
    this.roundMs = config.CARE_SEND_EVERY_MS;
    logger.setContext('SendDueMessages');
  }

  private readonly roundMs: number;

  protected async runRound(): Promise<void> {
    await this.sendDue(new Date());
  }

  async sendDue(now: Date): Promise<void> {
    const round = Math.floor(now.getTime() / this.roundMs);
    // Repairs after a crash: closures not yet on their tasks, plans whose steps were not all made.
    for (const closure of await this.tasks.unprojected(PER_ROUND))
      await this.tasks.project(closure);
    for (const plan of await this.plans.unmaterialized(PER_ROUND))
      if (plan.enrolledAt.getTime() < now.getTime() - 60_000) await this.materialize.execute(plan);

    for (const reminder of await this.reminders.due(now, PER_ROUND)) {
      const next = refillReminderId(reminder.memberId, reminder.therapy, reminder.version + 1);
      if (await this.reminders.exists(next)) {
        await this.reminders.mark(reminder._id, 'open', { status: 'superseded' });
        continue;
      }
      if (!(await this.claims.claim(reminder._id, round))) continue;
      await this.deliver(
        {
          cause: reminder._id,
          memberId: reminder.memberId,
          purpose: 'clinical',
          templateId: 'care.refill-reminder',
          variables: {
            therapy: reminder.therapy,
            supplyEndsAt: reminder.supplyEndsAt.toISOString(),
          },
        },
        (fields) => this.reminders.mark(reminder._id, 'open', fields),
      );
    }

    for (const message of await this.planMessages.due(now, PER_ROUND)) {
      const plan = await this.plans.find(message.planId);
      if (!plan || plan.status === 'stopped') {
        await this.planMessages.mark(message._id, { status: 'cancelled' });
        continue;
      }
      if (plan.status === 'paused') continue; // waits for the plan to resume
      if (!(await this.claims.claim(message._id, round))) continue;
      await this.deliver(
        {
          cause: message._id,
          memberId: message.memberId,
          purpose: 'clinical',
          templateId: message.contentKey,
          variables: {
            planId: message.planId,
            // What the step recommends, and what the safety check kept back and why.
            ...(message.products ? { products: message.products.join(', ') } : {}),
            ...(message.heldBack?.length
              ? {
                  heldBack: message.heldBack.map((h) => `${h.sku}: ${h.message}`).join('; '),
                }
              : {}),
          },
        },
        (fields) => this.planMessages.mark(message._id, fields),
      );
    }
  }

  private async deliver(
    command: SendNotificationCommand,
    mark: (fields: {
      status?: 'sent' | 'failed';
      sentAt?: Date;
      messageId?: string;
      lastError?: string;
    }) => Promise<void>,
  ): Promise<void> {
    try {
      const result = await this.bus.send(command);
      await mark({ status: 'sent', sentAt: new Date(), messageId: result.messageId });
    } catch (error) {
      const code = error instanceof AppError ? error.code : ErrorCode.INTERNAL;
      const retryable =
        code === ErrorCode.UPSTREAM_UNAVAILABLE ||
        code === ErrorCode.UPSTREAM_TIMEOUT ||
        code === ErrorCode.INTERNAL;
      const reason = `${code}: ${(error as Error).message}`;
      // Retryable: stays open and due, claimed again next round.
      await mark(retryable ? { lastError: reason } : { status: 'failed', lastError: reason });
    }
  }
}
