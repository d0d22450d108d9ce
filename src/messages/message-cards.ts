/** The SQL condition of a message that waits for a card, given its alias: approved, in no cards run yet. */
export function awaitsCard(message: string): string {
  return `(${message}.status = 'approved' AND ${message}.print_run_id IS NULL)`;
}

/** The SQL condition of a case whose messages can go on cards, given its alias: it has an address for them. */
export function addressedForCards(record: string): string {
  return `(${record}.message_address IS NOT NULL)`;
}
