import { describe, expect, it } from '@jest/globals';
import { dailyUseOf, type LastCount, projectStock, statusOf, worstStatus } from './projected-stock.js';

const thresholds = { criticalDays: 3, lowDays: 7 };
const day = (n: number) => new Date(Date.UTC(2026, 2, 2) + n * 86_400_000);

const count = (overrides: Partial<LastCount> = {}): LastCount => ({
  reportId: 'r2',
  countedAt: day(7),
  onHand: 600,
  usedSinceLastReport: 700,
  requested: 300,
  previousReportAt: day(0),
  ...overrides,
});

describe('daily use', () => {
  it('is what was used since the previous report over the days since it', () => {
    expect(dailyUseOf(count())).toBe(100);
    expect(dailyUseOf(count({ previousReportAt: new Date(day(7).getTime() - 12 * 3_600_000), usedSinceLastReport: 30 }))).toBe(60);
  });

  it('is unknown on a first report, and when two reports describe the same moment', () => {
    expect(dailyUseOf(count({ previousReportAt: undefined }))).toBeNull();
    expect(dailyUseOf(count({ previousReportAt: day(7) }))).toBeNull();
  });
});

describe('projected stock', () => {
  it('is counted + delivered since − estimated use since, with days of supply at the daily use', () => {
    // 600 counted at day 7, 450 accepted since, 1.5 days at 100 a day.
    expect(projectStock({ lastCount: count(), deliveredSince: 450, inTransit: 0 }, new Date(day(8).getTime() + 12 * 3_600_000), thresholds)).toEqual({
      dailyUse: 100,
      estimatedUseSince: 150,
      projected: 900,
      daysOfSupply: 9,
      status: 'ok',
      notes: [],
    });
  });

  it('never goes below zero, and is then out', () => {
    const projected = projectStock({ lastCount: count({ onHand: 100 }), deliveredSince: 0, inTransit: 500 }, day(10), thresholds);
    expect(projected).toMatchObject({ estimatedUseSince: 300, projected: 0, daysOfSupply: 0, status: 'out' });
  });

  it('rounds estimated use to whole units, and shows days of supply rounded down to a tenth', () => {
    const projected = projectStock(
      { lastCount: count({ usedSinceLastReport: 7, onHand: 10 }), deliveredSince: 0, inTransit: 0 },
      new Date(day(7).getTime() + 3 * 3_600_000),
      thresholds,
    );
    // 1 a day; 3 hours → 0.125 units → 0; 10 left → 10 days.
    expect(projected).toMatchObject({ dailyUse: 1, estimatedUseSince: 0, projected: 10, daysOfSupply: 10 });
    const thirds = projectStock({ lastCount: count({ usedSinceLastReport: 21, onHand: 20 }), deliveredSince: 0, inTransit: 0 }, day(7), thresholds);
    // 3 a day, 20 left: 6.666… days shown as 6.6, and low.
    expect(thirds).toMatchObject({ dailyUse: 3, daysOfSupply: 6.6, status: 'low' });
  });

  it('counts no use while daily use is unknown, and says so', () => {
    const projected = projectStock({ lastCount: count({ previousReportAt: undefined }), deliveredSince: 50, inTransit: 0 }, day(20), thresholds);
    expect(projected.dailyUse).toBeNull();
    expect(projected).toMatchObject({ estimatedUseSince: 0, projected: 650, daysOfSupply: null, status: 'ok' });
    expect(projected.notes[0]).toMatch(/daily use unknown/);
  });

  it('has no days of supply when nothing is used', () => {
    expect(projectStock({ lastCount: count({ usedSinceLastReport: 0 }), deliveredSince: 0, inTransit: 0 }, day(9), thresholds)).toMatchObject({
      dailyUse: 0,
      projected: 600,
      daysOfSupply: null,
      status: 'ok',
    });
  });

  it('is unknown for an item never counted, showing what was delivered', () => {
    expect(projectStock({ deliveredSince: 1000, inTransit: 200 }, day(9), thresholds)).toMatchObject({
      dailyUse: null,
      projected: 1000,
      status: 'unknown',
      notes: [expect.stringMatching(/never counted/)],
    });
  });

  it('does not count use before the count when asked at the very moment of it', () => {
    expect(projectStock({ lastCount: count(), deliveredSince: 0, inTransit: 0 }, day(7), thresholds)).toMatchObject({ estimatedUseSince: 0, projected: 600 });
  });
});

describe('status', () => {
  it('is out at zero, critical under the critical days, low under the low days, ok otherwise', () => {
    expect(statusOf(0, 0, thresholds)).toBe('out');
    expect(statusOf(0, null, thresholds)).toBe('out');
    expect(statusOf(10, 2.99, thresholds)).toBe('critical');
    expect(statusOf(10, 3, thresholds)).toBe('low');
    expect(statusOf(10, 6.99, thresholds)).toBe('low');
    expect(statusOf(10, 7, thresholds)).toBe('ok');
    expect(statusOf(10, null, thresholds)).toBe('ok');
  });

  it('follows the configured thresholds', () => {
    expect(statusOf(10, 4, { criticalDays: 5, lowDays: 10 })).toBe('critical');
    expect(statusOf(10, 8, { criticalDays: 5, lowDays: 10 })).toBe('low');
  });

  it('ranks a municipality by its worst item: out, critical, low, unknown, ok', () => {
    expect(worstStatus(['ok', 'low', 'critical'])).toBe('critical');
    expect(worstStatus(['ok', 'unknown'])).toBe('unknown');
    expect(worstStatus(['low', 'unknown', 'out'])).toBe('out');
    expect(worstStatus(['ok'])).toBe('ok');
    expect(worstStatus([])).toBe('unknown');
  });
});
