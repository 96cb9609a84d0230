import type { RoundInputsData, RoundOutputsData } from './allocation.events.js';
import type { MunicipalityInput, PolicyInputs, PolicyOutput } from './policies/policy.js';

/**
 * Field-by-field comparison of a round's recorded inputs and outputs with recomputed ones. Entries
 * are matched by their keys (item, municipality, stream), never by their place in a list, so a
 * difference names what differs: `inputs.municipalities[0115].items[FFP2].projectedStock`. Pure.
 */

export interface DiffEntry {
  readonly path: string;
  readonly recorded: unknown;
  readonly replayed: unknown;
}

/** One input of one municipality that differs, as the drift read model keeps it. */
export interface InputDifference {
  readonly municipality: string;
  readonly item?: string;
  readonly field: string;
  /** A figure (daily use may be null), or for `reported` whether it was there. */
  readonly recorded: number | boolean | null;
  readonly now: number | boolean | null;
}

const byKey = <T>(rows: readonly T[], key: (row: T) => string): Map<string, T> => new Map(rows.map((r) => [key(r), r]));

const keysOf = (...maps: ReadonlyMap<string, unknown>[]): string[] => [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();

/** Compares the named fields of two records that share a key; a missing record differs as a whole. */
const compareFields = <T extends object>(
  path: string,
  recorded: T | undefined,
  replayed: T | undefined,
  fields: readonly (keyof T & string)[],
): DiffEntry[] => {
  if (recorded === undefined || replayed === undefined) {
    return recorded === replayed ? [] : [{ path, recorded: recorded ?? null, replayed: replayed ?? null }];
  }
  return fields.filter((f) => !Object.is(recorded[f], replayed[f])).map((f) => ({ path: `${path}.${f}`, recorded: recorded[f], replayed: replayed[f] }));
};

/** What differs in one municipality's inputs; an absent municipality (never reported) is `undefined`. */
export const diffMunicipality = (code: string, recorded: MunicipalityInput | undefined, now: MunicipalityInput | undefined): InputDifference[] => {
  if (recorded === undefined || now === undefined) {
    return recorded === now ? [] : [{ municipality: code, field: 'reported', recorded: recorded !== undefined, now: now !== undefined }];
  }
  const differences: InputDifference[] = [];
  if (recorded.infections !== now.infections) differences.push({ municipality: code, field: 'infections', recorded: recorded.infections, now: now.infections });
  const recordedItems = byKey(recorded.items, (i) => i.item);
  const nowItems = byKey(now.items, (i) => i.item);
  for (const item of keysOf(recordedItems, nowItems)) {
    const was = recordedItems.get(item);
    const is = nowItems.get(item);
    if (was === undefined || is === undefined) {
      differences.push({ municipality: code, item, field: 'reported', recorded: was !== undefined, now: is !== undefined });
      continue;
    }
    for (const field of ['projectedStock', 'dailyUse', 'requested'] as const) {
      if (!Object.is(was[field], is[field])) differences.push({ municipality: code, item, field, recorded: was[field], now: is[field] });
    }
  }
  return differences;
};

const municipalityPath = (d: InputDifference): string =>
  `inputs.municipalities[${d.municipality}]${d.item ? `.items[${d.item}]` : ''}${d.field === 'reported' ? '' : `.${d.field}`}`;

export const diffInputs = (
  recorded: Pick<RoundInputsData, 'supply' | 'municipalities' | 'streams'>,
  replayed: PolicyInputs & { readonly streams: RoundInputsData['streams'] },
): DiffEntry[] => {
  const diff: DiffEntry[] = [];
  const recordedStreams = byKey(recorded.streams, (s) => s.streamId);
  const replayedStreams = byKey(replayed.streams, (s) => s.streamId);
  for (const id of keysOf(recordedStreams, replayedStreams)) {
    diff.push(...compareFields(`inputs.streams[${id}]`, recordedStreams.get(id), replayedStreams.get(id), ['revision']));
  }
  const recordedSupply = byKey(recorded.supply, (s) => s.item);
  const replayedSupply = byKey(replayed.supply, (s) => s.item);
  for (const item of keysOf(recordedSupply, replayedSupply)) {
    diff.push(...compareFields(`inputs.supply[${item}]`, recordedSupply.get(item), replayedSupply.get(item), ['available', 'packSize']));
  }
  const recordedMunicipalities = byKey(recorded.municipalities, (m) => m.municipality);
  const replayedMunicipalities = byKey(replayed.municipalities, (m) => m.municipality);
  for (const code of keysOf(recordedMunicipalities, replayedMunicipalities)) {
    const was = recordedMunicipalities.get(code);
    const is = replayedMunicipalities.get(code);
    for (const d of diffMunicipality(code, was, is)) {
      // A whole municipality or item missing on one side: show the record itself, not a flag.
      const whole = d.field === 'reported';
      const pick = (m: MunicipalityInput | undefined) => (d.item ? m?.items.find((i) => i.item === d.item) : m) ?? null;
      diff.push({ path: municipalityPath(d), recorded: whole ? pick(was) : d.recorded, replayed: whole ? pick(is) : d.now });
    }
  }
  return diff;
};

export const diffOutputs = (recorded: RoundOutputsData, replayed: PolicyOutput): DiffEntry[] => {
  const diff: DiffEntry[] = [];
  const lineKey = (l: { municipality: string; item: string }) => `${l.municipality}][${l.item}`;
  const recordedLines = byKey(recorded.lines, lineKey);
  const replayedLines = byKey(replayed.lines, lineKey);
  for (const key of keysOf(recordedLines, replayedLines)) {
    diff.push(...compareFields(`outputs.lines[${key}]`, recordedLines.get(key), replayedLines.get(key), ['need', 'acute', 'quantity', 'unmet']));
  }
  const recordedItems = byKey(recorded.items, (i) => i.item);
  const replayedItems = byKey(replayed.items, (i) => i.item);
  for (const item of keysOf(recordedItems, replayedItems)) {
    diff.push(...compareFields(`outputs.items[${item}]`, recordedItems.get(item), replayedItems.get(item), ['available', 'allocated', 'unmet']));
  }
  return diff;
};

/** Per municipality and item: the recorded quantity beside another run's, for a what-if. */
export const compareLines = (recorded: RoundOutputsData, other: PolicyOutput) => {
  const lineKey = (l: { municipality: string; item: string }) => `${l.municipality}/${l.item}`;
  const recordedLines = byKey(recorded.lines, lineKey);
  const otherLines = byKey(other.lines, lineKey);
  return keysOf(recordedLines, otherLines).map((key) => {
    const was = recordedLines.get(key);
    const would = otherLines.get(key);
    const [municipality, item] = key.split('/') as [string, string];
    return {
      municipality,
      item,
      recorded: { need: was?.need ?? null, quantity: was?.quantity ?? 0, unmet: was?.unmet ?? null },
      whatIf: { need: would?.need ?? null, quantity: would?.quantity ?? 0, unmet: would?.unmet ?? null },
      change: (would?.quantity ?? 0) - (was?.quantity ?? 0),
    };
  });
};
