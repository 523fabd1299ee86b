import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@crm/config';

const BASE64_32_BYTES = '[A-Za-z0-9+/]{43}='; // 32 bytes in base64

export class CarePlansConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_care_plans';

  /** Keys that encrypt health readings: `keyId:base64(32 bytes)[,…]`; old keys stay to read. */
  @Matches(new RegExp(`^[A-Za-z0-9_-]+:${BASE64_32_BYTES}(,[A-Za-z0-9_-]+:${BASE64_32_BYTES})*$`), {
    message: 'CARE_DATA_KEYS must be keyId:base64-of-32-bytes[,keyId:…] (openssl rand -base64 32)',
  })
  CARE_DATA_KEYS!: string;
  /** The key new readings are encrypted with; must be one of CARE_DATA_KEYS. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'CARE_ACTIVE_KEY_ID must name a key of CARE_DATA_KEYS' })
  CARE_ACTIVE_KEY_ID!: string;

  /** POS categories whose sales get the day 3/7/14/21/28 follow-up (comma-separated, lower case). */
  @Matches(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/, {
    message: 'CARE_FOLLOWED_CATEGORIES must be comma-separated categories (a-z 0-9 _ -)',
  })
  CARE_FOLLOWED_CATEGORIES: string =
    'chronic,osteoporosis,diabetes,hypertension,cardio,cardiovascular,lipids,respiratory,health,supplements,vitamins';
  /** How the day-3 and day-7 follow-ups are made; day 14 is a visit when both are calls. */
  @IsIn(['call', 'visit']) CARE_FOLLOWUP_DAY3: 'call' | 'visit' = 'call';
  @IsIn(['call', 'visit']) CARE_FOLLOWUP_DAY7: 'call' | 'visit' = 'call';
  /** Days before a supply runs out that the member is reminded to refill. */
  @IsInt() @Min(0) @Max(30) REFILL_REMINDER_LEAD_DAYS: number = 5;
  /** How often every replica looks for due reminders and plan messages (and once at start). */
  @IsInt() @Min(500) @Max(3_600_000) CARE_SEND_EVERY_MS: number = 60_000;
  /** How long a task may be overdue before it goes to the store manager (default a day). */
  @IsInt() @Min(0) @Max(30 * 86_400_000) CARE_ESCALATE_AFTER_MS: number = 86_400_000;
  /** How often every replica looks for overdue tasks to escalate (and once at start). */
  @IsInt() @Min(500) @Max(3_600_000) CARE_ESCALATE_EVERY_MS: number = 300_000;
  /**
   * The contact cadence is scheduled once per period for every member care has seen buy (the
   * month's tasks, ids per month: a later period of the month adds only what is new, such as a
   * member who first bought since). One replica runs a period (CadenceJob); default a day.
   */
  @IsInt() @Min(1000) @Max(31 * 86_400_000) CARE_CADENCE_PERIOD_MS: number = 86_400_000;
  /** How often every replica looks whether the current period's run is done (and once at start). */
  @IsInt() @Min(500) @Max(3_600_000) CARE_CADENCE_EVERY_MS: number = 600_000;
  /** A period's run not finished in this time is taken as crashed: another replica redoes it. */
  @IsInt() @Min(1000) @Max(86_400_000) CARE_CADENCE_LEASE_MS: number = 30 * 60_000;
  /**
   * How often every replica looks again at the worklist days taken out of their lists for having
   * no live task (WorklistRechecks), to put back those that got one meanwhile.
   */
  @IsInt() @Min(500) @Max(3_600_000) CARE_WORKLIST_RECHECK_EVERY_MS: number = 300_000;
  /**
   * How often every replica scans the tasks for any without the worklist keys they need (older
   * tasks; WorklistBackfill), at start-up and then until a scan finds none (a recorded pass).
   */
  @IsInt() @Min(500) @Max(86_400_000) CARE_WORKLIST_BACKFILL_EVERY_MS: number = 1_800_000;
  /** Timeout of the care service's own requests to members and notifications. */
  @IsInt() @Min(500) @Max(60_000) CARE_REQUEST_TIMEOUT_MS: number = 5_000;
}

export function followedCategories(config: CarePlansConfig): ReadonlySet<string> {
  return new Set(config.CARE_FOLLOWED_CATEGORIES.split(','));
}
