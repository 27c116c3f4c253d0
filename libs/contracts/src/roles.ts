/** Role names are part of the API (DESIGN §4). */
export const ROLES = [
  'director',
  'deputy_director',
  'group_leader',
  'account_manager',
  'assistant_account_manager',
  'customer_service',
  'market_researcher',
  'clerk',
  'executive',
  'security_officer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
