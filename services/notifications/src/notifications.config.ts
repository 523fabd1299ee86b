import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { OnlyInTests, ServiceConfig } from '@crm/config';

const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const PROVIDER_NAME = /^[a-z0-9]{1,30}$/;

export class NotificationsConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_notifications';

  /**
   * The provider every message goes to first, and the one it fails over to when the first
   * refuses it (a name is also the webhook path and `WEBHOOK_SECRET_<NAME>` in the gateway).
   */
  @Matches(PROVIDER_NAME, { message: 'PROVIDER_PRIMARY must be a provider name (a-z 0-9)' })
  PROVIDER_PRIMARY: string = 'stub';
  @Matches(/^https?:\/\/\S+$/, { message: 'PROVIDER_PRIMARY_URL must be an http(s) URL' })
  PROVIDER_PRIMARY_URL: string = 'http://127.0.0.1:4010/providers/stub/messages';
  @IsString() PROVIDER_PRIMARY_API_KEY: string = 'dev-stub-key';
  @Matches(PROVIDER_NAME, { message: 'PROVIDER_SECONDARY must be a provider name (a-z 0-9)' })
  PROVIDER_SECONDARY: string = 'stubalt';
  @Matches(/^https?:\/\/\S+$/, { message: 'PROVIDER_SECONDARY_URL must be an http(s) URL' })
  PROVIDER_SECONDARY_URL: string = 'http://127.0.0.1:4010/providers/stubalt/messages';
  @IsString() PROVIDER_SECONDARY_API_KEY: string = 'dev-stub-key';
  /** How long a provider may take to answer a send (must stay well under the attempt lease). */
  @IsInt() @Min(100) @Max(60_000) PROVIDER_TIMEOUT_MS: number = 5000;

  /** Attempts per message in all, and how many of them go to the primary before failing over. */
  @IsInt() @Min(1) @Max(20) DELIVERY_MAX_ATTEMPTS: number = 5;
  @IsInt() @Min(1) @Max(20) DELIVERY_PRIMARY_ATTEMPTS: number = 2;
  /** First retry delay; doubled each attempt (a provider's Retry-After wins when longer). */
  @IsInt() @Min(10) @Max(3_600_000) DELIVERY_RETRY_BASE_MS: number = 2000;
  /** A claimed attempt not finished in this time is taken as crashed and claimed again. */
  @IsInt() @Min(1000) @Max(600_000) DELIVERY_ATTEMPT_LEASE_MS: number = 30_000;
  /** How often each replica looks for due messages (new sends are dispatched at once). */
  @IsInt() @Min(50) @Max(60_000) DISPATCH_POLL_MS: number = 1000;

  /** Marketing messages per member and channel in any rolling year. */
  @IsInt() @Min(0) @Max(1000) MARKETING_CAP_SMS: number = 4;
  @IsInt() @Min(0) @Max(1000) MARKETING_CAP_EMAIL: number = 8;
  @IsInt() @Min(0) @Max(1000) MARKETING_CAP_WECHAT: number = 8;
  @IsInt() @Min(0) @Max(1000) MARKETING_CAP_APP: number = 8;

  /**
   * One contact budget per member across purposes and channels (do-not-disturb/contact-budget.ts):
   * this many contacts in any rolling CONTACT_BUDGET_DAYS; marketing may not take the last
   * CONTACT_BUDGET_CLINICAL_RESERVE of them, clinical and service messages are never refused.
   */
  @IsInt() @Min(1) @Max(1000) CONTACT_BUDGET_SIZE: number = 7;
  @IsInt() @Min(1) @Max(366) CONTACT_BUDGET_DAYS: number = 7;
  @IsInt() @Min(0) @Max(1000) CONTACT_BUDGET_CLINICAL_RESERVE: number = 2;

  /**
   * The saved segment (members service) greeted on the four lunar festivals; empty: no
   * festival greetings. How often each replica looks whether today is a festival.
   */
  @IsString() FESTIVAL_GREETING_SEGMENT_ID: string = '';
  @IsInt() @Min(1000) @Max(86_400_000) FESTIVAL_CHECK_EVERY_MS: number = 3_600_000;
  /**
   * Tests only: a file holding `{"offsetMs": n}` that moves the festival check's clock
   * (NotificationsClock), so a test reaches a festival without waiting for it.
   */
  @IsOptional()
  @IsString()
  @OnlyInTests()
  NOTIFICATIONS_TEST_CLOCK_FILE?: string;

  /** Quiet hours in the member's local time (start = end: none); messages wait for the end. */
  @Matches(HH_MM, { message: 'QUIET_HOURS_START must be HH:MM' })
  QUIET_HOURS_START: string = '21:00';
  @Matches(HH_MM, { message: 'QUIET_HOURS_END must be HH:MM' })
  QUIET_HOURS_END: string = '08:00';
  /** Members' time zone until they state their own, minutes east of UTC (China: 480). */
  @IsInt() @Min(-720) @Max(840) CHAIN_UTC_OFFSET_MINUTES: number = 480;

  /** Due messages each replica looks up at a time, and delivery attempts (provider sends) in flight. */
  @IsInt() @Min(1) @Max(1000) DELIVERY_BATCH: number = 200;
  @IsInt() @Min(1) @Max(256) DELIVERY_CONCURRENCY: number = 16;

  /** Campaigns: how often each replica looks for due campaigns (new ones start at once). */
  @IsInt() @Min(100) @Max(60_000) CAMPAIGN_POLL_MS: number = 2000;
  /** A campaign's runner renews its lease every third of this; a crashed runner's is taken over after it. */
  @IsInt() @Min(1000) @Max(600_000) CAMPAIGN_LEASE_MS: number = 30_000;
  /**
   * Members read from a segment (and stored) per page; members of a page decided together
   * (one insert of their messages, one take of their slots, one write of the decisions).
   */
  @IsInt() @Min(10) @Max(1000) CAMPAIGN_PAGE_SIZE: number = 1000;
  @IsInt() @Min(1) @Max(500) CAMPAIGN_SEND_BATCH: number = 200;
}
