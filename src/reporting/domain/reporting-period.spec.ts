import { describe, expect, it } from '@jest/globals';
import { periodDue, periodOf, periodStart } from './reporting-period.js';

describe('reporting periods (ISO weeks, Stockholm time)', () => {
  it('puts a moment in the ISO week of its Stockholm calendar date', () => {
    expect(periodOf(new Date('2026-03-04T12:00:00Z'))).toBe('2026-W10');
    // Sunday 23:30 UTC is already Monday 00:30 in Stockholm (winter, UTC+1): the new week.
    expect(periodOf(new Date('2026-03-08T23:30:00Z'))).toBe('2026-W11');
    expect(periodOf(new Date('2026-03-08T22:30:00Z'))).toBe('2026-W10');
    // Weeks belong to the year of their Thursday.
    expect(periodOf(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(periodOf(new Date('2025-12-29T12:00:00Z'))).toBe('2026-W01');
  });

  it('starts a period on Monday 00:00 Stockholm time, in winter and in summer', () => {
    expect(periodStart('2026-W10').toISOString()).toBe('2026-03-01T23:00:00.000Z');
    expect(periodStart('2026-W27').toISOString()).toBe('2026-06-28T22:00:00.000Z');
    expect(periodOf(periodStart('2026-W27'))).toBe('2026-W27');
    expect(periodOf(new Date(periodStart('2026-W27').getTime() - 1))).toBe('2026-W26');
  });

  it('makes a report due a number of hours into its period', () => {
    expect(periodDue('2026-W10', 36).toISOString()).toBe('2026-03-03T11:00:00.000Z');
  });
});
