import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@crm/config';

const BASE64_32_BYTES = '[A-Za-z0-9+/]{43}='; // 32 bytes in base64

export class MembersConfig extends ServiceConfig {
  @IsString() override MONGO_DB: string = 'crm_members';

  /** Keys that encrypt phone and health fields: `keyId:base64(32 bytes)[,…]`; old keys stay to read. */
  @Matches(new RegExp(`^[A-Za-z0-9_-]+:${BASE64_32_BYTES}(,[A-Za-z0-9_-]+:${BASE64_32_BYTES})*$`), {
    message:
      'MEMBERS_DATA_KEYS must be keyId:base64-of-32-bytes[,keyId:…] (openssl rand -base64 32)',
  })
  MEMBERS_DATA_KEYS!: string;

  /** The key new values are encrypted with; must be one of MEMBERS_DATA_KEYS. */
  @Matches(/^[A-Za-z0-9_-]+$/, {
    message: 'MEMBERS_ACTIVE_KEY_ID must name a key of MEMBERS_DATA_KEYS',
  })
  MEMBERS_ACTIVE_KEY_ID!: string;

  /** HMAC key of the blind indexes that find members by phone without storing it in clear. */
  @Matches(new RegExp(`^${BASE64_32_BYTES}$`), {
    message: 'MEMBERS_BLIND_INDEX_KEY must be base64 of 32 bytes (openssl rand -base64 32)',
  })
  MEMBERS_BLIND_INDEX_KEY!: string;

  /**
   * The smallest number of people a count may describe for roles that see aggregates only
   * (hq_analyst): segment previews and analytics cells below it are withheld.
   */
  @IsInt() @Min(2) @Max(1000) MIN_GROUP_SIZE: number = 5;
}
