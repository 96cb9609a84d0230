import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { needWeightedV1, type NeedWeightedParameters } from './need-weighted.v1.js';
import { needWeightedV2 } from './need-weighted.v2.js';
import type { PolicyInputs } from './policy.js';

const ITEMS = ['FFP2', 'GLOVE-NITRILE-M', 'SANITIZER-500'];

const inputsArb: fc.Arbitrary<PolicyInputs> = fc
  .record({
    supply: fc.tuple(...ITEMS.map((item) => fc.record({ item: fc.constant(item), available: fc.nat(5000), packSize: fc.integer({ min: 1, max: 50 }) }))),
    municipalities: fc.uniqueArray(
      fc.record({
        municipality: fc.integer({ min: 100, max: 2999 }).map((n) => String(n).padStart(4, '0')),
        infections: fc.nat(60),
        items: fc.tuple(
          ...ITEMS.map((item) =>
            fc.record({
              item: fc.constant(item),
              projectedStock: fc.nat(3000),
              dailyUse: fc.option(fc.nat(400), { nil: null, freq: 6 }),
              requested: fc.nat(4000),
            }),
          ),
        ),
      }),
      { minLength: 1, maxLength: 30, selector: (m) => m.municipality },
    ),
  })
  .map((x) => ({ supply: [...x.supply], municipalities: x.municipalities.map((m) => ({ ...m, items: [...m.items] })) }));

const paramsArb: fc.Arbitrary<NeedWeightedParameters> = fc
  .record({
    horizonDays: fc.integer({ min: 1, max: 42 }),
    acuteDays: fc.integer({ min: 0, max: 5 }),
    infectionWeight: fc.double({ min: 0, max: 5, noNaN: true }),
    wholePacks: fc.boolean(),
  })
  .map((p) => ({ ...p, acuteDays: Math.min(p.acuteDays, p.horizonDays) }));

const RUNS = { numRuns: 400 };

describe.each([needWeightedV1, needWeightedV2])('$name/$version allocation policy (properties over generated rounds)', (policy) => {
  it('never allocates more of an item than is available, nor to anyone more than its need', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (inputs, params) => {
        const out = policy.allocate(inputs, params);
        for (const s of inputs.supply) {
          const allocated = out.lines.filter((l) => l.item === s.item).reduce((sum, l) => sum + l.quantity, 0);
          expect(allocated).toBeLessThanOrEqual(s.available);
        }
        for (const l of out.lines) {
          expect(l.quantity).toBeLessThanOrEqual(l.need);
          expect(l.unmet).toBe(l.need - l.quantity);
        }
      }),
      RUNS,
    );
  });

  it('gives whole units, and whole packs when asked to', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (inputs, params) => {
        const out = policy.allocate(inputs, params);
        for (const l of out.lines) {
          expect(Number.isInteger(l.quantity)).toBe(true);
          expect(l.quantity).toBeGreaterThanOrEqual(0);
          if (params.wholePacks) expect(l.quantity % inputs.supply.find((s) => s.item === l.item)!.packSize).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('gives everyone its need when supply covers all need', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (inputs, params) => {
        const plenty = { ...inputs, supply: inputs.supply.map((s) => ({ ...s, available: 10_000_000 })) };
        const out = policy.allocate(plenty, { ...params, wholePacks: false });
        for (const l of out.lines) expect(l.quantity).toBe(l.need);
      }),
      RUNS,
    );
  });

  it('serves acute shortages first: no one outside acute shortage gets an item while an acute need of it is unmet', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (inputs, params) => {
        const p = { ...params, wholePacks: false };
        const out = policy.allocate(inputs, p);
        for (const s of inputs.supply) {
          const lines = out.lines.filter((l) => l.item === s.item);
          const acuteShort = lines.some((l) => {
            if (!l.acute) return false;
            const m = inputs.municipalities.find((x) => x.municipality === l.municipality)!.items.find((i) => i.item === s.item)!;
            const acuteNeed = m.dailyUse ? Math.min(l.need, Math.ceil(m.dailyUse * p.acuteDays) - m.projectedStock) : l.need;
            return l.quantity < acuteNeed;
          });
          if (acuteShort) {
            for (const l of lines.filter((x) => !x.acute)) expect(l.quantity).toBe(0);
          }
        }
      }),
      RUNS,
    );
  });

  it('uses all the supply it can: if need is left unmet, whole units are not left over', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, (inputs, params) => {
        const out = policy.allocate(inputs, { ...params, wholePacks: false });
        for (const s of out.items) {
          if (s.unmet > 0) expect(s.allocated).toBe(Math.min(s.available, s.allocated + s.unmet));
        }
      }),
      RUNS,
    );
  });

  it('does not depend on the order of its inputs, and gives the same answer every time', () => {
    fc.assert(
      fc.property(inputsArb, paramsArb, fc.integer(), (inputs, params, seed) => {
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x, i) => ({ x, k: (Math.imul(i + 1, 2654435761) ^ seed) >>> 0 }))
            .sort((a, b) => a.k - b.k)
            .map((y) => y.x);
        const reordered: PolicyInputs = {
          supply: shuffle(inputs.supply),
          municipalities: shuffle(inputs.municipalities).map((m) => ({ ...m, items: shuffle(m.items) })),
        };
        const key = (o: ReturnType<typeof policy.allocate>) =>
          JSON.stringify([...o.lines].sort((a, b) => `${a.item}${a.municipality}`.localeCompare(`${b.item}${b.municipality}`)));
        expect(key(policy.allocate(reordered, params))).toBe(key(policy.allocate(inputs, params)));
        expect(policy.allocate(inputs, params)).toEqual(policy.allocate(inputs, params));
      }),
      RUNS,
    );
  });
});

describe('need-weighted/1 by example', () => {
  const policy = needWeightedV1;
  it('shares in proportion to need weighted by infections, ties to the lower code', () => {
    const inputs: PolicyInputs = {
      supply: [{ item: 'FFP2', available: 300, packSize: 20 }],
      municipalities: [
        { municipality: '0115', infections: 0, items: [{ item: 'FFP2', projectedStock: 1000, dailyUse: 50, requested: 400 }] },
        { municipality: '0117', infections: 10, items: [{ item: 'FFP2', projectedStock: 1000, dailyUse: 50, requested: 400 }] },
        { municipality: '0120', infections: 0, items: [{ item: 'FFP2', projectedStock: 1000, dailyUse: 50, requested: 400 }] },
      ],
    };
    // Need is 14 × 50 − 1000 < 0 for all: nobody needs anything beyond the horizon.
    expect(policy.allocate(inputs, policy.parameters({})).lines.map((l) => l.quantity)).toEqual([0, 0, 0]);
    const short = {
      ...inputs,
      municipalities: inputs.municipalities.map((m) => ({ ...m, items: [{ ...m.items[0]!, projectedStock: 500 }] })),
    };
    // Each needs 200; weights 1, 1 + 10/3.33 = 4, 1 → shares 300 × (1, 4, 1) / 6 = 50, 200, 50.
    expect(policy.allocate(short, policy.parameters({})).lines.map((l) => [l.municipality, l.quantity])).toEqual([
      ['0115', 50],
      ['0117', 200],
      ['0120', 50],
    ]);
    // One unit more than divides evenly between two equal claims goes to the lower code.
    const tie = { ...short, supply: [{ item: 'FFP2', available: 101, packSize: 20 }] };
    expect(policy.allocate(tie, policy.parameters({ infectionWeight: 0 })).lines.map((l) => l.quantity)).toEqual([34, 34, 33]);
  });

  it('refuses a bad parameter, naming it', () => {
    expect(() => policy.parameters({ horizonDays: -1 })).toThrow(/horizonDays/);
    expect(() => policy.parameters({ acuteDays: 30, horizonDays: 14 })).toThrow(/acuteDays/);
  });
});
