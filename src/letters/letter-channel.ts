/**
 * The SQL condition under which a letter goes by email, given the aliases of the letter, its
 * appeal and its official: every letter of an `email` appeal (one whose official has lost
 * the address fails as today), and a letter of an `email-then-post` appeal whose official
 * has an email and whose address has not been refused for good (then its own `channel` is
 * `post`). Letters of `post` appeals, and `email-then-post` letters to an official with only
 * a postal address, stay `queued` for a print run: no claim, enqueue or reconcile takes them.
 */
export function goesByEmail(letter: string, appeal: string, official: string): string {
  return `(${letter}.channel IS NULL AND (${appeal}.channel = 'email' OR (${appeal}.channel = 'email-then-post' AND ${official}.email IS NOT NULL)))`;
}

/**
 * The SQL condition of a letter that waits for a print run: queued, going by post, in no run
 * yet. No letter of an `email` appeal ever does (only queueForPost gives a letter the `post`
 * channel, and only on `email-then-post` appeals): saying so first lets Postgres skip an email
 * appeal's letters without reading them.
 */
export function awaitsPost(letter: string, appeal: string, official: string): string {
  return `(${appeal}.channel <> 'email' AND ${letter}.status = 'queued' AND ${letter}.print_run_id IS NULL AND NOT ${goesByEmail(letter, appeal, official)})`;
}

/**
 * The SQL count of an appeal's letters that a print run would take now (attachToPrintRun's
 * rule: the appeal open, the letter awaiting post), given the appeal's alias in the enclosing
 * statement. Per appeal, so that an email appeal's letters are not read at all.
 */
export function lettersAwaitingPostOf(appeal: string): string {
  return `(SELECT count(*)::int FROM letters waiting JOIN officials addressee ON addressee.id = waiting.official_id
            WHERE waiting.appeal_id = ${appeal}.id AND ${appeal}.status = 'open' AND ${awaitsPost('waiting', appeal, 'addressee')})`;
}
