import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role, StaffPrincipal } from './roles';

export const ROLES_KEY = 'crm:roles';

/** Every non-public route declares who may call it; a route without a rule is refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const Staff = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): StaffPrincipal => ctx.switchToHttp().getRequest().staff,
);
