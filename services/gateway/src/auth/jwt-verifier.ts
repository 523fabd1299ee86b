import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError, ErrorCode } from '@crm/contracts';
import { BoundedMap } from '@crm/messaging';
import { GatewayConfig } from '../gateway.config';
import { ROLES, type Role, type StaffPrincipal } from './roles';

/** How long a verified token is taken on trust before its signature is checked again. */
const VERIFIED_FOR_MS = 60_000;

/**
 * Verifies staff tokens: HS256 with the shared secret, or RS256 against a JWKS (CONTRACTS.md
 * §1). A desk session sends the same token with every request, and checking a signature
 * costs more than the rest of the gateway's work on a lookup; so a verified token is
 * remembered for a minute (never past its own expiry), for the 10,000 most recent tokens.
 */
@Injectable()
export class JwtVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly verified = new BoundedMap<string, { principal: StaffPrincipal; until: number }>(
    10_000,
  );

  constructor(private readonly config: GatewayConfig) {
    if (config.AUTH_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
      this.algorithms = ['RS256'];
    } else {
      // A KeyObject made once (config requires the secret without a JWKS URL): given raw
      // bytes, jose would import the key again on every request.
      this.key = createSecretKey(Buffer.from(config.AUTH_JWT_SECRET!, 'utf8'));
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string, now = Date.now()): Promise<StaffPrincipal> {
    const remembered = this.verified.get(token);
    if (remembered && now < remembered.until) return remembered.principal;
    const { principal, expiresAt } = await this.check(token);
    this.verified.set(token, { principal, until: Math.min(expiresAt, now + VERIFIED_FOR_MS) });
    return principal;
  }

  private async check(token: string): Promise<{ principal: StaffPrincipal; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as KeyObject, {
        algorithms: this.algorithms,
        issuer: this.config.AUTH_JWT_ISSUER,
        audience: this.config.AUTH_JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw new AppError(
        ErrorCode.AUTH_UNAUTHENTICATED,
        `Invalid token: ${(error as Error).message}`,
      );
    }
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is Role => ROLES.includes(r as Role))
      : [];
    if (roles.length === 0)
      throw new AppError(ErrorCode.AUTH_UNAUTHENTICATED, 'The token carries no known role');
    return {
      principal: {
        sub: String(payload.sub),
        name: typeof payload.name === 'string' ? payload.name : undefined,
        roles,
        storeId: typeof payload.storeId === 'string' ? payload.storeId : undefined,
      },
      expiresAt: payload.exp! * 1000,
    };
  }
}
