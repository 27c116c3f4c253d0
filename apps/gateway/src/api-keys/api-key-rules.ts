import { Role } from '@app/contracts';

/**
 * A key carries at most its creator's roles (issue 14, point 2): answers the roles asked for that the creator does
 * not hold (empty when the key may be made). Roles are compared by name: a director cannot mint an executive's key,
 * even though the director reads all the executive reads, because the executive's rights may grow on their own.
 * The admin, who holds only `admin`, mints only integration keys: settings and organisation, no business data.
 */
export function keyRolesWithin(creatorRoles: readonly Role[], keyRoles: readonly Role[]): Role[] {
  return [...new Set(keyRoles.filter((r) => !creatorRoles.includes(r)))];
}
