import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicJob } from '@crm/service-kit';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import { GrantCompensation } from '../compensation/grant-compensation';
import { CaseEffects } from './case-effects';
import { CaseVersionsRepository } from './case-versions.repository';

/** Left to the replica that took the step for this long before a recovery pass steps in. */
const GRACE_MS = 2000;

/**
 * Finishes what a crash left between a step's insert and its after-effects: projections and
 * batch checks (`effectsPending`), and compensations decided but not confirmed by loyalty
 * (`compensationPending`). Every replica runs it, at start and every
 * COMPLAINTS_RECOVERY_EVERY_MS; no replica owns it, because every part is idempotent (the
 * projection is rebuilt from the versions, a batch alert and a compensation are keyed).
 */
@Injectable()
export class ComplaintsRecovery extends PeriodicJob {
  constructor(
    private readonly versions: CaseVersionsRepository,
    private readonly effects: CaseEffects,
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
    const cases = new Set((await this.versions.pendingEffects(before)).map((step) => step.caseId));
    for (const caseId of cases) await this.effects.apply(caseId);
  }
}
