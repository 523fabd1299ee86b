import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '@crm/contracts';
import { PUBLIC_ROUTE } from '@crm/observability';
import { JwtVerifier } from './jwt-verifier';
import type { Role } from './roles';
import { ROLES_KEY } from './roles.decorator';

/**
 * Fails closed: a route is open only if marked public, and otherwise needs a valid token
 * (401) carrying one of the roles the route declares (403). A route that declares no rule
 * is refused to everyone, so a forgotten decorator cannot open data.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers?.authorization;
    const token =
      typeof header === 'string' && header.startsWith('Bearer ')
        ? header.slice(7).trim()
        : undefined;
    if (!token) throw new AppError(ErrorCode.AUTH_UNAUTHENTICATED, 'Missing bearer token');
    request.staff = await this.verifier.verify(token);

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!request.staff.roles.some((role: Role) => allowed.includes(role))) {
      throw new AppError(ErrorCode.AUTH_FORBIDDEN, 'Your role may not do this', [
        { requiredRoles: allowed },
      ]);
    }
    return true;
  }
}
