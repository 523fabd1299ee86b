import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { CasesRepository } from '../cases/cases.repository';
import { ComplaintsConfig } from '../complaints.config';
import {
  AnalyticsRollupsRepository,
  encodeRows,
  FoldSuperseded,
  type RollupMark,
} from './analytics-rollups.repository';
import { rowOf, storeDayOf } from './case-rollup';
import { JobRoundsRepository } from '../jobs/job-rounds.repository';
import { SalesRepository } from './sales.repository';

/** Marks taken in one round: bounded, so a round stays far shorter than the next one's wait. */
const MARKS_PER_ROUND = 2000;
/** Store-days recounted at once. */
const AT_ONCE = 4;

/**
 * Folds marked store-days into the analysis roll-ups. Every replica runs it; a round is folded
 * by the one replica that claims it (`fold:<round>`, rounds numbered by wall-clock time), so two
 * folds of the same round never race. A round recounts each marked store-day whole from its
 * cases or sales (never adds to it), writes it under its round number as the fence, and only then
 * deletes the marks it read: a crash before the delete leaves them for a later round, which
 * writes the same counts again. A round slower than its successor is refused its late writes.
 */
@Injectable()
export class RollupFold extends PeriodicJob {
  constructor(
    private readonly rollups: AnalyticsRollupsRepository,
    private readonly rounds: JobRoundsRepository,
    private readonly cases: CasesRepository,
    private readonly sales: SalesRepository,
    private readonly config: ComplaintsConfig,
    protected readonly logger: PinoLogger,
  ) {
    super(config.ANALYTICS_FOLD_EVERY_MS, 'analysis fold');
    logger.setContext(RollupFold.name);
  }

  /** A round refused because a later one wrote first is not a failure: its marks stay. */
  protected async runRound(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      if (!(error instanceof FoldSuperseded)) throw error;
      this.logger.info(error.message);
    }
  }

  /** One round, if this replica claims it; returns the store-days folded. */
  async runOnce(
    round = Math.floor(Date.now() / this.config.ANALYTICS_FOLD_EVERY_MS),
  ): Promise<number> {
    if (!(await this.rounds.claim('fold', round))) return 0;
    const marks = await this.rollups.pending(MARKS_PER_ROUND);
    if (marks.length === MARKS_PER_ROUND)
      this.logger.warn({ marks: marks.length }, 'analysis fold behind: a full round of marks');
    const storeDays = new Map<string, Omit<RollupMark, '_id' | 'at'>>();
    for (const { kind, storeDay } of marks)
      storeDays.set(`${kind}:${storeDay}`, { kind, storeDay });
    // Recounted a few store-days at a time; then written one document at a time per roll-up
    // (store and month), all its days in one update.
    const documents = new Map<
      string,
      {
        kind: RollupMark['kind'];
        storeId: string;
        month: string;
        days: Record<string, string | number>;
      }
    >();
    const work = [...storeDays.values()];
    for (let i = 0; i < work.length; i += AT_ONCE)
      await Promise.all(
        work.slice(i, i + AT_ONCE).map(async ({ kind, storeDay }) => {
          const value = await this.recount(kind, storeDay);
          const { storeId, month, dayField } = storeDayOf(storeDay);
          const key = `${kind}:${storeId}|${month}`;
          const doc = documents.get(key) ?? { kind, storeId, month, days: {} };
          doc.days[dayField] = value;
          documents.set(key, doc);
        }),
      );
    const writes = [...documents.values()];
    for (let i = 0; i < writes.length; i += AT_ONCE)
      await Promise.all(
        writes
          .slice(i, i + AT_ONCE)
          .map((doc) => this.rollups.writeDays(doc.kind, doc.storeId, doc.month, doc.days, round)),
      );
    await this.rollups.clear(marks.map((mark) => mark._id));
    return work.length;
  }

  /** A store-day's value, whole: its cases' fact rows, or its sales count. */
  private async recount(kind: RollupMark['kind'], storeDay: string): Promise<string | number> {
    return kind === 'cases'
      ? encodeRows((await this.cases.factsOfStoreDay(storeDay)).map(rowOf))
      : this.sales.countOfStoreDay(storeDay);
  }
}
