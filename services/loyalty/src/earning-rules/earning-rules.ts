import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { type EarningRule, type EarningSettings, ruleAt } from '../points/earning';
import { EARNING_SETTINGS } from '../points/earning-settings';
import { type EarningRuleDocument, EarningRulesRepository } from './earning-rules.repository';

/** How often another replica's new rule is picked up; rules take effect in the future anyway. */
const REFRESH_MS = 10_000;

/** The earning rules in memory: every sale asks which one was in force when it was made. */
@Injectable()
export class EarningRules implements OnApplicationBootstrap, OnModuleDestroy {
  private rules: EarningRuleDocument[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: EarningRulesRepository,
    @Inject(EARNING_SETTINGS) private readonly settings: EarningSettings,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(EarningRules.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'earning rules not refreshed; keeping the last ones'),
      );
    }, REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    this.rules = await this.repository.all();
  }

  ruleAt(at: Date): EarningRule {
    return ruleAt(this.rules, at, this.settings.defaultRule);
  }

  list(): EarningRuleDocument[] {
    return this.rules;
  }
}
