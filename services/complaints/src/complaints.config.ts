import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { OnlyInTests, ServiceConfig } from '@crm/config';

export class ComplaintsConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_complaints';

  /** A resolved or closed case may be reopened this many days after its resolution. */
  @IsInt() @Min(0) @Max(3650) COMPLAINT_REOPEN_WINDOW_DAYS: number = 30;

  /** Quality complaints on one SKU and batch within the window that raise `batch.alert`. */
  @IsInt() @Min(1) @Max(1000) BATCH_ALERT_THRESHOLD: number = 3;
  @IsInt() @Min(1) @Max(365) BATCH_ALERT_WINDOW_DAYS: number = 30;

  /**
   * How often every replica finishes what a crash left half-done: projections of inserted
   * steps, batch checks, compensations decided but not yet confirmed by loyalty.
   */
  @IsInt() @Min(200) @Max(600_000) COMPLAINTS_RECOVERY_EVERY_MS: number = 5000;

  /**
   * How long a replica's page of the effects journal (`cases/effects-journal.ts`) stays its own
   * without a renewal (renewed every third of it): after that a recovery pass takes it over.
   */
  @IsInt() @Min(600) @Max(600_000) COMPLAINTS_EFFECTS_LEASE_MS: number = 30_000;

  /** How often every replica looks for SLA targets missed (each breach claimed once). */
  @IsInt() @Min(200) @Max(3_600_000) SLA_SCAN_EVERY_MS: number = 60_000;

  /**
   * How often every replica offers to fold changed store-days into the analysis roll-ups (one
   * replica folds each round); an answer reads the store-days not folded yet from their cases.
   */
  @IsInt() @Min(100) @Max(600_000) ANALYTICS_FOLD_EVERY_MS: number = 1000;

  /** A resolved case's member is asked for satisfaction (1–5); closed cases get a follow-up this many days after closing. */
  @IsInt() @Min(0) @Max(365) COMPLAINT_FOLLOW_UP_DAYS: number = 14;

  /** How often every replica sends the satisfaction questions and follow-ups due (each claimed per round). */
  @IsInt() @Min(200) @Max(3_600_000) COMPLAINT_FEEDBACK_SEND_EVERY_MS: number = 60_000;

  /** Waiting for notifications to take a message. */
  @IsInt() @Min(100) @Max(60_000) COMPLAINT_REQUEST_TIMEOUT_MS: number = 5000;

  /**
   * Tests only: a file holding `{"offsetMs": n}` that moves this process's clock (ComplaintsClock).
   * Refused outside NODE_ENV=test.
   */
  @IsOptional()
  @IsString()
  @OnlyInTests()
  COMPLAINTS_TEST_CLOCK_FILE?: string;
}
