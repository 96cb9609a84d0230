/**
 * How a municipality's stock of one item is projected from what is known at a moment T: the last
 * count, what was accepted since, and the use the reports let us estimate. Pure; the read model
 * gathers the facts (see docs/stock.md for a worked example).
 */

export const STOCK_STATUSES = ['out', 'critical', 'low', 'unknown', 'ok'] as const;
/** Worst first: the order in which a county overview ranks a municipality by its worst item. */
export type StockStatus = (typeof STOCK_STATUSES)[number];

export interface StockThresholds {
  /** Under this many days of supply an item is critical. */
  readonly criticalDays: number;
  /** Under this many days of supply an item is low. */
  readonly lowDays: number;
}

export interface LastCount {
  readonly reportId: string;
  readonly countedAt: Date;
  readonly onHand: number;
  readonly usedSinceLastReport: number;
  readonly requested: number;
  /** The municipality's report before this one, if any: the start of the span the use covers. */
  readonly previousReportAt?: Date;
}

export interface StockFacts {
  /** The latest report counting the item at or before T; absent when it was never counted. */
  readonly lastCount?: LastCount;
  /** Accepted from deliveries received after the count, up to T (all received up to T when never counted). */
  readonly deliveredSince: number;
  /** Dispatched by T and not received by T. */
  readonly inTransit: number;
}

export interface ProjectedStock {
  /** Units a day over the span the last report covers; null when no span is known. */
  readonly dailyUse: number | null;
  readonly estimatedUseSince: number;
  readonly projected: number;
  /** Null when daily use is unknown or zero: the stock does not run out at a known rate. */
  readonly daysOfSupply: number | null;
  readonly status: StockStatus;
  readonly notes: readonly string[];
}

const DAY_MS = 86_400_000;

/** Use per day over the span since the municipality's previous report; unknown without one. */
export const dailyUseOf = (count: LastCount): number | null => {
  if (!count.previousReportAt) return null;
  const days = (count.countedAt.getTime() - count.previousReportAt.getTime()) / DAY_MS;
  return days > 0 ? count.usedSinceLastReport / days : null;
};

export const statusOf = (projected: number, daysOfSupply: number | null, thresholds: StockThresholds): StockStatus => {
  if (projected <= 0) return 'out';
  if (daysOfSupply === null) return 'ok';
  if (daysOfSupply < thresholds.criticalDays) return 'critical';
  if (daysOfSupply < thresholds.lowDays) return 'low';
  return 'ok';
};

/**
 * Projected stock at `asOf` = counted + delivered since − estimated use since, never below zero.
 * Estimated use is rounded to whole units (goods are counted in them); days of supply are shown
 * rounded down to a tenth, so the figure never looks safer than the status computed from it.
 */
export const projectStock = (facts: StockFacts, asOf: Date, thresholds: StockThresholds): ProjectedStock => {
  const count = facts.lastCount;
  if (!count) {
    return {
      dailyUse: null,
      estimatedUseSince: 0,
      projected: facts.deliveredSince,
      daysOfSupply: null,
      status: 'unknown',
      notes: ['never counted in a situation report: only deliveries are known'],
    };
  }
  const dailyUse = dailyUseOf(count);
  const daysSince = Math.max(0, asOf.getTime() - count.countedAt.getTime()) / DAY_MS;
  const estimatedUseSince = dailyUse === null ? 0 : Math.round(dailyUse * daysSince);
  const projected = Math.max(0, count.onHand + facts.deliveredSince - estimatedUseSince);
  const days = dailyUse ? projected / dailyUse : null;
  return {
    dailyUse: dailyUse === null ? null : Math.round(dailyUse * 100) / 100,
    estimatedUseSince,
    projected,
    daysOfSupply: days === null ? null : Math.floor(days * 10) / 10,
    status: statusOf(projected, days, thresholds),
    notes: dailyUse === null ? ['daily use unknown until a report follows an earlier one: estimated use is counted as 0'] : [],
  };
};

/** The worst of some statuses; `unknown` when there are none (nothing is known). */
export const worstStatus = (statuses: readonly StockStatus[]): StockStatus => STOCK_STATUSES.find((s) => statuses.includes(s)) ?? 'unknown';
