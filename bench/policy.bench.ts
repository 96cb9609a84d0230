import { DEFAULT_POLICY } from '../src/allocation/domain/policies/registry.js';
import type { PolicyInputs } from '../src/allocation/domain/policies/policy.js';
import { type Figure, printFigures } from './support.js';

/**
 * The allocation policy for a national round: 290 municipalities × 10 items. Target: under 10 ms.
 * Baseline: a plain pro-rata split of the same supply by request (no acute phase, no capping, no
 * rounding rule) — the least any allocation must do.
 */
export const policyBenchmarks = (): Figure[] => {
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647;
  const items = ['FFP2', 'FFP3', 'MASK-IIR', 'VISOR', 'GLOVE-NITRILE-S', 'GLOVE-NITRILE-M', 'GLOVE-NITRILE-L', 'APRON', 'GOWN-LS', 'SANITIZER-500'];
  const inputs: PolicyInputs = {
    supply: items.map((item) => ({ item, available: Math.round(random() * 200_000), packSize: 20 })),
    municipalities: Array.from({ length: 290 }, (_, i) => ({
      municipality: String(100 + i).padStart(4, '0'),
      infections: Math.round(random() * 80),
      items: items.map((item) => ({
        item,
        projectedStock: Math.round(random() * 3000),
        dailyUse: random() < 0.05 ? null : Math.round(random() * 400),
        requested: Math.round(random() * 6000),
      })),
    })),
  };
  const parameters = DEFAULT_POLICY.parameters({});
  const proRata = () => {
    for (const s of inputs.supply) {
      const total = inputs.municipalities.reduce((sum, m) => sum + m.items.find((l) => l.item === s.item)!.requested, 0);
      for (const m of inputs.municipalities) Math.floor((s.available * m.items.find((l) => l.item === s.item)!.requested) / total);
    }
  };
  const measure = (run: () => unknown) => {
    for (let i = 0; i < 20; i++) run(); // warm up the JIT
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = process.hrtime.bigint();
      run();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { p50: times[100]!, p99: times[197]! };
  };
  const policy = measure(() => DEFAULT_POLICY.allocate(inputs, parameters));
  const baseline = measure(proRata);
  const figures: Figure[] = [
    {
      name: `${DEFAULT_POLICY.name}/${DEFAULT_POLICY.version}, 290 municipalities × 10 items (p99, runs/s)`,
      unit: 'runs/s',
      service: 1000 / policy.p99,
      baseline: 1000 / baseline.p99,
      baselineName: 'plain pro-rata split',
    },
  ];
  printFigures('Allocation policy', figures);
  process.stdout.write(
    `\npolicy p50 ${policy.p50.toFixed(2)} ms, p99 ${policy.p99.toFixed(2)} ms (target < 10 ms); pro-rata p99 ${baseline.p99.toFixed(2)} ms\n`,
  );
  return figures;
};
