import { describe, expect, it } from '@jest/globals';
import { formatDateTime, formatNumber, isoWeek, toStockholmInput } from './format.js';

describe('Swedish formats in Stockholm time', () => {
  it('groups thousands with a space and uses a decimal comma', () => {
    expect(formatNumber(1234.5, 'sv').replace(/\s/g, ' ')).toBe('1 234,5');
    expect(formatNumber(null, 'sv')).toBe('–');
  });

  it('shows times in Stockholm, summer time included, whatever the machine’s zone', () => {
    expect(formatDateTime('2026-07-01T06:00:00Z', 'sv')).toBe('2026-07-01 08:00');
    expect(formatDateTime('2026-01-15T06:00:00Z', 'sv')).toBe('2026-01-15 07:00');
    expect(toStockholmInput(new Date('2026-03-29T00:30:00Z'))).toBe('2026-03-29T01:30');
    expect(toStockholmInput(new Date('2026-03-29T01:30:00Z'))).toBe('2026-03-29T03:30');
  });

  it('names the week of the Stockholm date: Monday 00:30 in Stockholm is already the new week', () => {
    expect(isoWeek(new Date('2026-03-01T23:30:00Z'))).toBe('2026-W10');
    expect(isoWeek(new Date('2026-03-01T22:30:00Z'))).toBe('2026-W09');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
  });
});
