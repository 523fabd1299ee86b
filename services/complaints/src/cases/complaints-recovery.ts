import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import { GrantCompensation } from '../compensation/grant-compensation';
import { CaseEffects } from './case-effects';
import { CaseVersionsRepository } from './case-versions.repository';
import { EffectsJournal, stepsByCase } from './effects-journal';

/** Left to the replica that took the step for this long before a recovery pass steps in. */
const GRACE_MS = 2000;

/**
 * Finishes what a failure left between a step's insert and its after-effects: the effects this
 * replica still owes (they failed here), those of every page of the effects journal whose
 * replica stopped holding it (`EffectsJournal`), and compensations decided but not confirmed by
 * loyalty (`compensationPending`). Every replica runs it, at start and every
 * COMPLAINTS_RECOVERY_EVERY_MS. A lapsed page may be taken over by two replicas at once: every
 * part is idempotent (the projection is rebuilt from the versions, a batch alert and a
 * compensation are keyed), so that costs only the work done twice.
 */
@Injectable()
export class ComplaintsRecovery extends PeriodicJob {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly effects: CaseEffects,
    private readonly journal: EffectsJournal,
    private readonly grant: GrantCompensation,
    config: ComplaintsConfig,
    private readonly clock: ComplaintsClock,
    protected readonly logger: PinoLogger,
  ) {
    super(config.COMPLAINTS_RECOVERY_EVERY_MS, 'complaints recovery pass');
    logger.setContext(ComplaintsRecovery.name);
  }

  protected async runRound(): Promise<void> {
    await this.runOnce();
  }

  async runOnce(now = this.clock.now()): Promise<void> {
    const before = new Date(now.getTime() - GRACE_MS);
    for (const step of await this.versions.pendingCompensations(before)) {
      const outcome = await this.grant.execute(step);
      if (outcome)
        this.logger.info(
          { caseId: step.caseId, key: step.change.compensation?.key, state: outcome.state },
          'compensation finished by the recovery pass',
        );
    }
    for (const { page, caseId, stepIds } of this.journal.owedHere()) {
      // A step whose insert failed is owed too, in case it went in: if it did not, nothing is.
      const steps = await this.versions.ofCase(caseId);
      if (steps.some((step) => stepIds.includes(step._id)))
        await this.effects.apply(caseId, { known: steps, pending: stepIds });
      this.journal.paid(page, stepIds);
    }
    for (const page of await this.journal.lapsed()) {
      await this.journal.takeOver(page, async () => {
        const steps = await this.versions.underJournalPage(page._id);
        const byCase = stepsByCase(steps.map((step) => [step._id, step.caseId] as const));
        for (const [caseId, pending] of byCase) await this.effects.apply(caseId, { pending });
        this.logger.info(
          { page: page._id, lastHolder: page.holder, cases: byCase.size },
          'effects journal page of a stopped replica applied again',
        );
      });
    }
  }
}
