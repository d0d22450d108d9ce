/**
 * The SQL condition under which a letter goes by email, given the aliases of its appeal
 * and its official: every letter of an `email` appeal (one whose official has lost the
 * address fails as today), and a letter of an `email-then-post` appeal whose official has
 * an email. Letters of `post` appeals, and `email-then-post` letters to an official with
 * only a postal address, stay `queued` for a print run: no claim, enqueue or reconcile
 * takes them.
 */
export function goesByEmail(appeal: string, official: string): string {
  return `(${appeal}.channel = 'email' OR (${appeal}.channel = 'email-then-post' AND ${official}.email IS NOT NULL))`;
}
