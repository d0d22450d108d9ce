/**
 * Who may receive member mail or have letters written in their name: a member who is
 * active, confirmed their signup, and has not unsubscribed. Every query that selects
 * members for a cycle (auto-sign, invitations, reminders) applies it to the alias given.
 */
export function reachableMember(alias: string): string {
  return `${alias}.active AND ${alias}.confirmed_at IS NOT NULL AND ${alias}.unsubscribed_at IS NULL`;
}
