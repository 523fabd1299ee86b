import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { insertOnce } from '@crm/messaging';
import { InjectMongo, PeriodicJob } from '@crm/service-kit';
import { MembersClient } from '../members/members-client';
import { NotificationsConfig } from '../notifications.config';
import { SendNotification } from '../sending/send-notification.handler';
import { TRIGGER_TEMPLATES } from './default-templates';
import { NotificationsClock } from './notifications-clock';
import { type Festival, FESTIVAL_NAMES, festivalsOn, localDateOf } from './festival-dates';

/** A run not finished in this time is taken as crashed; the next pass of any replica runs it again. */
const RUN_LEASE_MS = 30 * 60_000;
/** Members greeted together (one batch of the send path). */
const BATCH = 200;

interface FestivalRunDocument {
  _id: string;
  startedAt: Date;
  finishedAt?: Date;
  greeted?: number;
}

/**
 * Festival greetings on the lunar dates (festival-dates.ts), in the chain's time zone, to the
 * saved segment FESTIVAL_GREETING_SEGMENT_ID. Every replica runs this check; the run of a
 * festival and year is owned by the replica whose insert of `festival:<festival>:<year>` went
 * in. If that replica dies mid-run, the lease expires and another replica runs it again:
 * harmless, because each greeting is caused `festival:<festival>:<year>:<member>` and a
 * message is inserted once per cause, so a member greeted before is not greeted twice.
 * Marketing (consent, caps and budget apply), on the template's channel (the app).
 */
@Injectable()
export class FestivalGreetingsJob extends PeriodicJob {
  private readonly runs: mongo.Collection<FestivalRunDocument>;

  constructor(
    @InjectMongo() connection: Connection,
    private readonly members: MembersClient,
    private readonly send: SendNotification,
    private readonly config: NotificationsConfig,
    protected readonly logger: PinoLogger,
    private readonly clock: NotificationsClock,
  ) {
    super(config.FESTIVAL_CHECK_EVERY_MS, 'festival greetings pass');
    logger.setContext('FestivalGreetingsJob');
    this.runs = connection.db!.collection<FestivalRunDocument>('festival_runs');
  }

  protected async runRound(): Promise<void> {
    await this.runFor(this.clock.now());
  }

  /** One pass at `now`: greets for each festival that is today, if this replica owns the run. */
  async runFor(now: Date): Promise<number> {
    const segmentId = this.config.FESTIVAL_GREETING_SEGMENT_ID;
    if (!segmentId) return 0;
    const today = localDateOf(now, this.config.CHAIN_UTC_OFFSET_MINUTES);
    let greeted = 0;
    for (const festival of festivalsOn(today)) {
      const runId = `festival:${festival}:${today.slice(0, 4)}`;
      if (!(await this.takeRun(runId, now))) continue;
      const count = await this.greet(festival, runId, segmentId);
      await this.runs.updateOne(
        { _id: runId },
        { $set: { finishedAt: new Date(), greeted: count } },
      );
      greeted += count;
    }
    return greeted;
  }

  private async takeRun(runId: string, now: Date): Promise<boolean> {
    if (await insertOnce(() => this.runs.insertOne({ _id: runId, startedAt: now }))) return true;
    const run = await this.runs.findOne({ _id: runId });
    if (!run || run.finishedAt || now.getTime() - run.startedAt.getTime() < RUN_LEASE_MS)
      return false;
    // A crashed run: take it over (greetings already made collide on their causes).
    await this.runs.updateOne({ _id: runId }, { $set: { startedAt: now } });
    return true;
  }

  private async greet(festival: Festival, runId: string, segmentId: string): Promise<number> {
    let count = 0;
    for await (const memberIds of this.members.segmentPages(segmentId))
      for (let from = 0; from < memberIds.length; from += BATCH) {
        const answers = await this.send.executeMany(
          memberIds.slice(from, from + BATCH).map((memberId) => ({
            cause: `${runId}:${memberId}`,
            memberId,
            purpose: 'marketing' as const,
            templateId: TRIGGER_TEMPLATES.festivalGreeting,
            variables: {
              festivalZh: FESTIVAL_NAMES[festival]['zh-CN'],
              festivalEn: FESTIVAL_NAMES[festival].en,
            },
          })),
        );
        // A send that failed (members did not answer) stops the run: it is taken up again
        // after its lease, and the greetings already made collide on their causes.
        const failed = answers.find((answer) => answer instanceof Error);
        if (failed) throw failed;
        count += answers.length;
      }
    this.logger.info({ festival, count }, 'festival greetings asked for');
    return count;
  }
}
