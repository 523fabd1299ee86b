/** Staff roles (CONTRACTS.md §1). */
export const ROLES = [
  'store_clerk',
  'pharmacist',
  'store_manager',
  'desk_agent',
  'hq_analyst',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that work with single members' records (hq_analyst sees aggregates only). */
export const MEMBER_STAFF: Role[] = [
  'store_clerk',
  'pharmacist',
  'store_manager',
  'desk_agent',
  'admin',
];

export interface StaffPrincipal {
  sub: string;
  name?: string;
  roles: Role[];
  storeId?: string;
}
