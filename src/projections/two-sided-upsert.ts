/**
 * SQL for read-model rows that two kinds of fact fill, each its own side (a delivery's dispatch
 * and its receipt): an upsert writes a side only where the stored row does not have it yet, so a
 * fact applied twice, or the sides arriving in either order, leave the same row. `guard` is the
 * side's marker column: NULL until that side is written.
 */

/** The new row fills a side the stored row (`alias`) does not have yet. */
export const claims = (alias: string, guard: string): string => `(${alias}.${guard} IS NULL AND excluded.${guard} IS NOT NULL)`;

/** `SET` clauses that take a side's columns from the new row only where it claims that side. */
export const claimSide = (alias: string, guard: string, columns: readonly string[]): string =>
  columns.map((c) => `${c} = CASE WHEN ${claims(alias, guard)} THEN excluded.${c} ELSE ${alias}.${c} END`).join(',\n         ');
