import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { PublicRoute } from '@crm/observability';
import type { Role, StaffPrincipal } from './roles';

export const ROLES_KEY = 'crm:roles';
export const STORE_SCOPE_KEY = 'crm:store-scope';

/**
 * Every non-public route declares who may call it; a route without a rule is refused. The
 * rule is published in the API document as `x-roles`, from this same metadata, so the
 * authorization-matrix test reads what the guard enforces.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));

/**
 * Where a route is limited to staff of the member's home store (other stores: 403
 * `ACCESS.OTHER_STORE`), published as `x-store-scope: home-store` for the authorization matrix.
 * This marks the rule; the check itself belongs to the handler that knows the member.
 */
export type StoreScopeKind = 'home-store';
export const StoreScope = (scope: StoreScopeKind) =>
  applyDecorators(SetMetadata(STORE_SCOPE_KEY, scope), ApiExtension('x-store-scope', scope));

/**
 * A route open without a staff token (a provider's signed webhook): the auth guard skips it,
 * and the API document says so (`x-public`) so the authorization matrix expects no 401 there.
 */
export const PublicApiRoute = () => applyDecorators(PublicRoute(), ApiExtension('x-public', true));

export const Staff = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StaffPrincipal => ctx.switchToHttp().getRequest().staff,
);
