/**
 * The known code a mistyped one most likely meant: the same code but for case, spaces and
 * punctuation (`ffp2`, `FFP-2` → `FFP2`), else the one that starts the same (`glove-m` →
 * `GLOVE-NITRILE-M`… when one does), else the nearest by edit distance when it is near enough to be a
 * slip rather than another word. Undefined when nothing is close.
 */
export const closestCode = (value: string, codes: readonly string[]): string | undefined => {
  const plain = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const wanted = plain(value);
  if (wanted === '') return undefined;
  const same = codes.find((code) => plain(code) === wanted);
  if (same) return same;
  // Every part of what was typed, in order, in one code: `glove-m` names GLOVE-NITRILE-M.
  const words = value
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const containing = codes.filter((code) => {
    let from = 0;
    for (const word of words) {
      const at = code.indexOf(word, from);
      if (at < 0) return false;
      from = at + word.length;
    }
    return code.startsWith(words[0]!);
  });
  if (containing.length === 1) return containing[0];
  let best: { code: string; distance: number } | undefined;
  for (const code of codes) {
    const distance = editDistance(wanted, plain(code));
    if (!best || distance < best.distance) best = { code, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(wanted.length / 3)) ? best.code : undefined;
};

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
};
