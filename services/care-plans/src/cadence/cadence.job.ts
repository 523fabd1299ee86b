import { Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { insertOnce } from '@crm/messaging';
import { dbSpan } from '@crm/observability';
import { InjectMongo, PeriodicJob } from '@crm/service-kit';
import { CarePlansConfig } from '../care-plans.config';
import { RefillRemindersRepository } from '../refills/refill-reminders.repository';
import { CareTasksRepository } from '../tasks/care-tasks.repository';
import { MemberCadence } from './member-cadence.handler';

/** One period's run: inserted once, so of any number of replicas one owns it. */
export interface CadenceRunDocument {
  _id: string;
  startedAt: Date;
  /** The replica running it (`<host>:<pid>`), for the operator. */
  owner: string;
  /** How many times a replica started the period's work: 1, unless a crashed run was redone. */
  passes: number;
  finishedAt?: Date;
  members?: number;
  inserted?: number;
}

const RUNS = 'cadence_runs';

/**
 * The contact cadence on a timer (004): once per CARE_CADENCE_PERIOD_MS, every member care has
 * seen buy gets the month's cadence tasks (MemberCadence.scheduleTasks). Every replica runs the
 * check; the period's run belongs to the replica whose insert of `cadence:<period>` went in.
 * A run that has not finished after CARE_CADENCE_LEASE_MS is taken as crashed and taken over by
 * the next replica to look (compare-and-set on its start): redoing it is harmless, because each
 * task is inserted once under `cadence:<member>:<month>:<kind><n>`.
 */
@Injectable()
export class CadenceJob extends PeriodicJob {
  private readonly runs: mongo.Collection<CadenceRunDocument>;
  private readonly owner = `${process.env.HOSTNAME ?? 'care-plans'}:${process.pid}`;

  constructor(
    @InjectMongo() connection: Connection,
    private readonly cadence: MemberCadence,
    private readonly reminders: RefillRemindersRepository,
    private readonly tasks: CareTasksRepository,
    private readonly config: CarePlansConfig,
    protected readonly logger: PinoLogger,
  ) {
    super(config.CARE_CADENCE_EVERY_MS, 'cadence run');
    logger.setContext(CadenceJob.name);
    this.runs = connection.db!.collection<CadenceRunDocument>(RUNS);
  }

  protected async runRound(): Promise<void> {
    await this.runFor(new Date());
  }

  /** One check at `now`: runs the current period if this replica gets it; answers new tasks. */
  async runFor(now: Date): Promise<number | null> {
    const period = Math.floor(now.getTime() / this.config.CARE_CADENCE_PERIOD_MS);
    const runId = `cadence:${period}`;
    if (!(await this.takeRun(runId, now))) return null;
    let members = 0;
    let inserted = 0;
    for (const memberId of await this.buyers()) {
      try {
        inserted += (await this.cadence.scheduleTasks(memberId, now)).inserted;
        members++;
      } catch (error) {
        // One member's failure (members unreachable for it) must not hold back the others;
        // the next period tries them again.
        this.logger.warn({ err: error, memberId }, 'cadence of a member failed');
      }
    }
    await dbSpan(RUNS, 'update', () =>
      this.runs.updateOne({ _id: runId }, { $set: { finishedAt: new Date(), members, inserted } }),
    );
    return inserted;
  }

  private async takeRun(runId: string, now: Date): Promise<boolean> {
    const run: CadenceRunDocument = { _id: runId, startedAt: now, owner: this.owner, passes: 1 };
    if (await insertOnce(() => dbSpan(RUNS, 'insert', () => this.runs.insertOne(run)))) return true;
    const found = await dbSpan(RUNS, 'find', () => this.runs.findOne({ _id: runId }));
    if (
      !found ||
      found.finishedAt ||
      now.getTime() - found.startedAt.getTime() < this.config.CARE_CADENCE_LEASE_MS
    )
      return false;
    // A crashed run: of the replicas that see it, the one whose update matches its start wins.
    const { modifiedCount } = await dbSpan(RUNS, 'update', () =>
      this.runs.updateOne(
        { _id: runId, startedAt: found.startedAt, finishedAt: { $exists: false } },
        { $set: { startedAt: now, owner: this.owner }, $inc: { passes: 1 } },
      ),
    );
    return modifiedCount === 1;
  }

  /**
   * Members care has seen buy: the refill history (sales with days of supply) and the followed
   * sales. Read in `_id` order, which the store answers from its primary key.
   */
  private async buyers(): Promise<string[]> {
    const members = new Set<string>();
    const refills = this.reminders.collection.find(
      {},
      { projection: { memberId: 1 }, sort: { _id: 1 } },
    );
    for await (const { memberId } of refills) members.add(memberId);
    const followUps = this.tasks.tasks.find(
      { 'cause.type': 'followup' },
      { projection: { memberId: 1 }, sort: { _id: 1 } },
    );
    for await (const { memberId } of followUps) members.add(memberId);
    return [...members];
  }
}
