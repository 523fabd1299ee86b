import {
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { BaseConfig } from '@crm/config';

export class GatewayConfig extends BaseConfig {
  @IsInt() @Min(1) @Max(65535) override HTTP_PORT: number = 3000;

  /** HS256 secret (CONTRACTS.md §1). Required unless a JWKS URL is given. */
  @ValidateIf((c: GatewayConfig) => !c.AUTH_JWKS_URL)
  @IsString()
  @MinLength(32, {
    message: 'AUTH_JWT_SECRET must be at least 32 characters (or set AUTH_JWKS_URL)',
  })
  AUTH_JWT_SECRET?: string;

  /** RS256 keys of a corporate identity provider. */
  @IsOptional() @IsUrl({ require_tld: false }) AUTH_JWKS_URL?: string;
  @IsOptional() @IsString() AUTH_JWT_ISSUER?: string;
  @IsOptional() @IsString() AUTH_JWT_AUDIENCE?: string;

  /** How long the gateway waits for a service before answering 503/504. */
  @IsInt() @Min(100) @Max(60000) NATS_REQUEST_TIMEOUT_MS: number = 5000;
}
