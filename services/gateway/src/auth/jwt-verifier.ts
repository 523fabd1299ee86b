import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError, ErrorCode } from '@crm/contracts';
import { GatewayConfig } from '../gateway.config';
import { ROLES, type Role, type StaffPrincipal } from './roles';

/** Verifies staff tokens: HS256 with the shared secret, or RS256 against a JWKS (CONTRACTS.md §1). */
@Injectable()
export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly config: GatewayConfig) {
    if (config.AUTH_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
      this.algorithms = ['RS256'];
    } else {
      this.key = new TextEncoder().encode(config.AUTH_JWT_SECRET);
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string): Promise<StaffPrincipal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, {
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
      sub: String(payload.sub),
      name: typeof payload.name === 'string' ? payload.name : undefined,
      roles,
      storeId: typeof payload.storeId === 'string' ? payload.storeId : undefined,
    };
  }
}
