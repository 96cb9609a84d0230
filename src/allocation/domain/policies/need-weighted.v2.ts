import { allocateNeedWeighted, checkedParameters, type InfectionWeights, NEED_WEIGHTED_DEFAULTS, type NeedWeightedParameters } from './need-weighted.v1.js';
import type { AllocationPolicy } from './policy.js';

/**
 * need-weighted/2 — as version 1, except for how infections weigh. Version 1 compares absolute
 * infection counts, so a large municipality with an ordinary share of cases outweighs a small one
 * in outbreak. Version 2 compares infections per unit of daily use (the size of the care the
 * municipality runs, as its use shows it): pressure = infections ÷ daily use, and
 * weight = 1 + infectionWeight × pressure ÷ mean pressure of the municipalities in need. A
 * municipality whose daily use is unknown weighs 1.
 */
const infectionsPerUse: InfectionWeights = (rows, needy, w) => {
  const pressure = (r: { infections: number; dailyUse: number | null }) => (r.dailyUse ? r.infections / r.dailyUse : null);
  const known = needy.map(pressure).filter((x): x is number => x !== null);
  const mean = known.length ? known.reduce((s, x) => s + x, 0) / known.length : 0;
  return rows.map((row) => {
    const mine = pressure(row);
    return mine === null || mean === 0 ? 1 : 1 + (w * mine) / mean;
  });
};

export const needWeightedV2: AllocationPolicy<NeedWeightedParameters> = {
  name: 'need-weighted',
  version: 2,
  defaults: NEED_WEIGHTED_DEFAULTS,
  parameters: (given) => checkedParameters(given, NEED_WEIGHTED_DEFAULTS),
  allocate: (inputs, p) => allocateNeedWeighted(inputs, p, infectionsPerUse),
};
