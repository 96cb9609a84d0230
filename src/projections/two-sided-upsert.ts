/**
 * Read-model rows that two kinds of fact fill, each its own side (a delivery's dispatch
 * and its receipt): an upsert writes a side only where the stored row does not have it yet, so a
 * fact applied twice, or the sides arriving in either order, leave the same row. `guard` is the
 * side's marker column: NULL until that side is written.
 */

/** The new row fills a side the stored row (`alias`) does not have yet. */
export const claims = (alias: string, guard: string): string => `(${alias}.${guard} IS NULL AND excluded.${guard} IS NOT NULL)`;

/** `SET` clauses that take a side's columns from the new row only where it claims that side. */
export const claimSide = (alias: string, guard: string, columns: readonly string[]): string =>
  columns.map((c) => `${c} = CASE WHEN ${claims(alias, guard)} THEN excluded.${c} ELSE ${alias}.${c} END`).join(',\n         ');

/**
 * Folds a page's facts into one entry per key (`fold` merges a fact into its key's entry, or answers
 * undefined when that entry already holds the fact's side), in rounds: a fact whose side is taken
 * — a second dispatch of the same delivery in the page — waits for the next round, as it would
 * event by event. One upsert per round then never touches a row twice. The rounds, in order.
 */
export const foldInRounds = <F, E>(facts: readonly F[], keyOf: (fact: F) => string, fold: (entry: E | undefined, fact: F) => E | undefined): E[][] => {
  const rounds: E[][] = [];
  let rest = facts;
  while (rest.length > 0) {
    const round = new Map<string, E>();
    const later: F[] = [];
    for (const fact of rest) {
      const folded = fold(round.get(keyOf(fact)), fact);
      if (folded === undefined) later.push(fact);
      else round.set(keyOf(fact), folded);
    }
    rounds.push([...round.values()]);
    rest = later;
  }
  return rounds;
};
