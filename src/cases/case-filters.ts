/**
 * The SQL condition of a case that takes messages of solidarity now, given its alias: the
 * coordinator opened it to them, and it has not ended (released, deceased). The signing
 * page offers a box for exactly these.
 */
export function takesMessages(alias: string): string {
  return `(${alias}.accepts_messages AND ${alias}.status NOT IN ('released', 'deceased'))`;
}
