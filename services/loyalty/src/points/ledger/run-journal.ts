import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BoundedMap } from '@crm/messaging';
import type { TransactionSpend } from '../../tiers/rolling-spend';
import type { PointsRun } from '../points-entry';
import { PointsRepository } from './points.repository';

const APPLIED_RUNS_KEPT = 10_000;

/**
 * The journal of runs: every entry is posted in a run (a run of purchases, or the open run of
 * single entries), and a run stays `open` in the store until every account and tier it changed
 * is flushed, then is marked `applied`. An open run that no live process is working on was
 * left by a crash or a failure; `RunSettlement` finishes it from its entries.
 *
 * What it holds in memory is this process's view of its own runs: those it is working on
 * (`live`) and those it knows applied. Only the writer-lease holder posts entries, so no other
 * process has live runs to tell apart.
 */
@Injectable()
export class RunJournal {
  /** Runs this process is counting or flushing: not a crash's leftovers, whatever their age. */
  private readonly live = new Set<string>();
  /** Runs known to be marked applied: dropped from accounts' lists of runs in flight. */
  private readonly applied = new BoundedMap<string, true>(APPLIED_RUNS_KEPT);
  /** Runs with an event neither sent nor queued: left open to be finished (and announced) again. */
  private readonly owingEvents = new Set<string>();

  constructor(private readonly repository: PointsRepository) {}

  /**
   * Opens a run; a run of purchases records each purchase's spend, so a crash's tier counts
   * can be redone from it. Its entries are found by their `run`.
   */
  async open(spend: TransactionSpend[]): Promise<string> {
    const runId = randomUUID();
    this.live.add(runId);
    await this.repository.insertRun({ _id: runId, state: 'open', startedAt: new Date(), spend });
    return runId;
  }

  /** Takes a run back under this process's care (finishing a crash's run). */
  adopt(runId: string): void {
    this.live.add(runId);
  }

  /** A run that failed before its effects were kept: left for `leftOpen` to find. */
  abandon(runId: string): void {
    this.live.delete(runId);
  }

  /** A run some of whose events could be neither sent nor queued. */
  owesEvents(runId: string): void {
    this.owingEvents.add(runId);
  }

  isApplied(runId: string): boolean {
    return this.applied.has(runId);
  }

  /**
   * Marks a run applied: every account and tier it changed is flushed. A run owing events is
   * left open instead, to be finished (and announced) again.
   */
  async markApplied(runId: string): Promise<void> {
    if (this.owingEvents.delete(runId)) return this.abandon(runId);
    await this.repository.markRunApplied(runId);
    this.applied.set(runId, true);
    this.live.delete(runId);
  }

  /**
   * Runs a crash (or a failure) left open, oldest first: not this process's live ones, nor
   * those it marked applied while the query ran (a run leaves `live` only once it is in
   * `applied`, so the two together cover every run of this process).
   */
  async leftOpen(startedBefore: Date): Promise<PointsRun[]> {
    // Asked every 30 s, when the open runs are nearly always live ones: their spend is read
    // only for those to finish.
    const left = (await this.repository.openRunHeads())
      .filter((run) => run.startedAt < startedBefore)
      .filter((run) => !this.live.has(run._id) && !this.applied.has(run._id))
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    const runs: PointsRun[] = [];
    for (const { _id } of left) {
      const run = await this.repository.run(_id);
      if (run) runs.push(run);
    }
    return runs;
  }

  /** Which of these runs are marked applied (asking the store about those it does not know). */
  async appliedAmong(runIds: string[]): Promise<Set<string>> {
    const unknown = runIds.filter((id) => !this.applied.has(id) && !this.live.has(id));
    for (const run of (await this.repository.runStates(unknown)).values())
      if (run.state === 'applied') this.applied.set(run._id, true);
    return new Set(runIds.filter((id) => this.applied.has(id)));
  }
}
