import type { SignatureStyle } from './supporter.entity';

/**
 * Who may receive member mail or have letters written in their name: a member who is
 * active, confirmed their signup, has not unsubscribed, and whose address did not bounce
 * (email_undeliverable_at, cleared when the email changes). Every query that selects
 * members for a cycle (auto-sign, invitations, reminders) applies it to the alias given.
 */
export function reachableMember(alias: string): string {
  return `${alias}.active AND ${alias}.confirmed_at IS NOT NULL AND ${alias}.unsubscribed_at IS NULL AND ${alias}.email_undeliverable_at IS NULL`;
}

/** A member as their mail needs them, read when the job runs (never carried in it). */
export interface MemberMailRow {
  id: string;
  email: string;
  name: string;
  language: string;
  country: string;
  city: string | null;
  signature_style: SignatureStyle;
}

/** The columns of a MemberMailRow, for the alias `s` of supporters. */
export const MEMBER_MAIL_COLUMNS = `s.id, s.email, s.name, s.language, s.country, s.city, s.signature_style`;
