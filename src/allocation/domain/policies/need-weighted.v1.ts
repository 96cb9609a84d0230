import { DomainError } from '../../../shared/domain-error.js';
import type { AllocationLine, AllocationPolicy, MunicipalityItemInput, PolicyInputs, PolicyOutput } from './policy.js';

/**
 * need-weighted/1 — the rules in words (docs/allocation.md has the formula and a worked example):
 *
 * 1. Need. A municipality needs of an item what it lacks to cover `horizonDays` of its daily use,
 *    but never more than it asked for: need = min(requested, max(0, ⌈dailyUse × horizonDays⌉ − stock)).
 *    Without a known daily use, its request is its need.
 * 2. Acute first. A municipality with need is in acute shortage when it has no stock, or under
 *    `acuteDays` of supply. Acute municipalities are first brought up to `acuteDays` of supply
 *    (their acute need; without a known daily use and no stock, their whole need).
 * 3. The rest by need and infection pressure. What is left is shared in proportion to remaining
 *    need × weight, weight = 1 + infectionWeight × infections / mean infections (over the
 *    municipalities that need the item); nobody gets more than its need (surplus passes on).
 * 4. Whole units. Shares are rounded down; the units left over go one by one to the largest
 *    remainders, ties to the lower municipality code. With `wholePacks`, everything above is done
 *    in packs (need rounded down to packs) and units that do not make a pack stay in the warehouse.
 * 5. Order does not matter: inputs are sorted by municipality and item code first.
 */
export interface NeedWeightedParameters {
  readonly horizonDays: number;
  readonly acuteDays: number;
  readonly infectionWeight: number;
  readonly wholePacks: boolean;
}

export const NEED_WEIGHTED_DEFAULTS: NeedWeightedParameters = { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false };

interface Claim {
  readonly municipality: string;
  readonly weight: number;
  readonly demand: number;
}

/**
 * Shares `supply` whole units among claims in proportion to demand × weight, none above its
 * demand, by water-filling (a claim that would get more than its demand is capped and the rest is
 * shared again), then largest remainders for the units that rounding leaves.
 */
export const shareProportionally = (supply: number, claims: readonly Claim[]): Map<string, number> => {
  const result = new Map<string, number>(claims.map((c) => [c.municipality, 0]));
  const total = claims.reduce((sum, c) => sum + c.demand, 0);
  if (supply <= 0 || total === 0) return result;
  if (supply >= total) {
    for (const c of claims) result.set(c.municipality, c.demand);
    return result;
  }
  // Exact shares (reals) by water-filling.
  const exact = new Map<string, number>();
  let open = claims.filter((c) => c.demand > 0);
  let left = supply;
  while (open.length > 0) {
    const pull = open.reduce((sum, c) => sum + c.demand * c.weight, 0);
    const capped = open.filter((c) => (left * c.demand * c.weight) / pull >= c.demand);
    if (capped.length === 0) {
      for (const c of open) exact.set(c.municipality, (left * c.demand * c.weight) / pull);
      break;
    }
    for (const c of capped) {
      exact.set(c.municipality, c.demand);
      left -= c.demand;
    }
    const cappedSet = new Set(capped);
    open = open.filter((c) => !cappedSet.has(c));
  }
  // Whole units: floors, then the leftover units by largest remainder, ties by code.
  let given = 0;
  for (const [m, share] of exact) {
    const units = Math.floor(share + 1e-9);
    result.set(m, units);
    given += units;
  }
  const demandOf = new Map(claims.map((c) => [c.municipality, c.demand]));
  const remainders = [...exact.entries()]
    .map(([m, share]) => ({ m, remainder: share - result.get(m)!, room: demandOf.get(m)! - result.get(m)! }))
    .filter((r) => r.room > 0)
    .sort((a, b) => b.remainder - a.remainder || (a.m < b.m ? -1 : 1));
  for (const r of remainders) {
    if (given >= supply) break;
    result.set(r.m, result.get(r.m)! + 1);
    given++;
  }
  return result;
};

const needOf = (line: MunicipalityItemInput, horizonDays: number): number =>
  line.dailyUse === null || line.dailyUse === 0
    ? line.requested
    : Math.min(line.requested, Math.max(0, Math.ceil(line.dailyUse * horizonDays) - line.projectedStock));

const acuteNeedOf = (line: MunicipalityItemInput, need: number, acuteDays: number): number => {
  if (need === 0) return 0;
  if (line.dailyUse === null || line.dailyUse === 0) return line.projectedStock === 0 ? need : 0;
  const shortOfAcute = Math.ceil(line.dailyUse * acuteDays) - line.projectedStock;
  return shortOfAcute > 0 ? Math.min(need, shortOfAcute) : 0;
};

const checkParameter = (name: string, value: unknown, ok: boolean) => {
  if (!ok) {
    throw new DomainError('ALLOCATION.BAD_PARAMETER', `parameter ${name} has an invalid value ${JSON.stringify(value)}`, 'invalid', {
      field: `parameters.${name}`,
    });
  }
};

/**
 * How much each municipality's infections weigh: the one thing versions of this policy disagree
 * on. Given every row of an item and those in need, answers each row's weight, in row order.
 */
export type InfectionWeights = (
  rows: readonly { readonly infections: number; readonly dailyUse: number | null }[],
  needy: readonly { readonly infections: number; readonly dailyUse: number | null }[],
  infectionWeight: number,
) => number[];

/** Version 1: infections against the mean infections of the municipalities in need. */
const absoluteInfections: InfectionWeights = (rows, needy, w) => {
  const mean = needy.length ? needy.reduce((s, r) => s + r.infections, 0) / needy.length : 0;
  return rows.map((row) => (mean > 0 ? 1 + (w * row.infections) / mean : 1));
};

export const checkedParameters = (given: Partial<NeedWeightedParameters>, defaults: NeedWeightedParameters): NeedWeightedParameters => {
  const p = { ...defaults, ...given };
  checkParameter('horizonDays', p.horizonDays, Number.isFinite(p.horizonDays) && p.horizonDays > 0 && p.horizonDays <= 365);
  checkParameter('acuteDays', p.acuteDays, Number.isFinite(p.acuteDays) && p.acuteDays >= 0 && p.acuteDays <= p.horizonDays);
  checkParameter('infectionWeight', p.infectionWeight, Number.isFinite(p.infectionWeight) && p.infectionWeight >= 0 && p.infectionWeight <= 100);
  checkParameter('wholePacks', p.wholePacks, typeof p.wholePacks === 'boolean');
  return { horizonDays: p.horizonDays, acuteDays: p.acuteDays, infectionWeight: p.infectionWeight, wholePacks: p.wholePacks };
};

/** The need-weighted family: rules 1–5 above, with the infection weight a version chooses. */
export const allocateNeedWeighted = (inputs: PolicyInputs, p: NeedWeightedParameters, weightsOf: InfectionWeights): PolicyOutput => {
  const supply = [...inputs.supply].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
  const municipalities = [...inputs.municipalities].sort((a, b) => (a.municipality < b.municipality ? -1 : 1));
  const lines: AllocationLine[] = [];
  const items: PolicyOutput['items'][number][] = [];

  for (const { item, available, packSize } of supply) {
    const unit = p.wholePacks ? Math.max(1, packSize) : 1;
    const rows = municipalities.flatMap((m) => {
      const line = m.items.find((l) => l.item === item);
      if (!line) return [];
      const need = needOf(line, p.horizonDays);
      const acuteNeed = acuteNeedOf(line, need, p.acuteDays);
      return [{ municipality: m.municipality, infections: m.infections, dailyUse: line.dailyUse, need, acuteNeed }];
    });
    const needy = rows.filter((r) => r.need > 0);
    // Once per item: a weight depends on all the needy, so computing it per use is quadratic.
    const all = weightsOf(rows, needy, p.infectionWeight);
    const weights = new Map(rows.map((r, i) => [r.municipality, all[i]!]));
    const weight = (r: (typeof rows)[number]) => weights.get(r.municipality)!;
    const inUnits = (units: number) => Math.floor(units / unit);

    let left = Math.floor(Math.max(0, available) / unit);
    const acute = shareProportionally(
      left,
      rows.map((r) => ({ municipality: r.municipality, weight: weight(r), demand: inUnits(r.acuteNeed) })),
    );
    for (const units of acute.values()) left -= units;
    const rest = shareProportionally(
      left,
      rows.map((r) => ({ municipality: r.municipality, weight: weight(r), demand: inUnits(r.need) - acute.get(r.municipality)! })),
    );

    let allocated = 0;
    let unmet = 0;
    for (const r of rows) {
      const quantity = (acute.get(r.municipality)! + rest.get(r.municipality)!) * unit;
      allocated += quantity;
      unmet += r.need - quantity;
      lines.push({ municipality: r.municipality, item, need: r.need, acute: r.acuteNeed > 0, quantity, unmet: r.need - quantity });
    }
    items.push({ item, available, allocated, unmet });
  }
  return { lines, items };
};

export const needWeightedV1: AllocationPolicy<NeedWeightedParameters> = {
  name: 'need-weighted',
  version: 1,
  defaults: NEED_WEIGHTED_DEFAULTS,
  parameters: (given) => checkedParameters(given, NEED_WEIGHTED_DEFAULTS),
  allocate: (inputs, p) => allocateNeedWeighted(inputs, p, absoluteInfections),
};
