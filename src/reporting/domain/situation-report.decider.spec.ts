import { describe, expect, it } from '@jest/globals';
import { type ReportingCommand, situationReportDecider as decider } from './situation-report.decider.js';
import type { MunicipalityEvent } from './situation-report.events.js';
import { deciderSpec } from '../../../test/support/decider.js';

const REPORT_1 = '11111111-1111-4111-8111-111111111111';
const REPORT_2 = '22222222-2222-4222-8222-222222222222';
const CORRECTION = '33333333-3333-4333-8333-333333333333';
const lines = [{ item: 'FFP2', onHand: 400, usedSinceLastReport: 120, requested: 300 }];

const { when, thenRefused } = deciderSpec(decider);

const report = (reportId: string, reportedAt: string, overrides: Partial<Extract<ReportingCommand, { type: 'ReportSituation' }>> = {}): ReportingCommand => ({
  type: 'ReportSituation',
  reportId,
  municipality: '0115',
  reportedAt: new Date(reportedAt),
  figures: { infections: 4, lines },
  now: new Date('2026-03-05T12:00:00Z'),
  ...overrides,
});

const reported = (reportId: string, reportedAt: string): MunicipalityEvent => ({
  type: 'SituationReported',
  data: { reportId, municipality: '0115', reportedAt, period: '2026-W10', infections: 4, lines },
});

describe('situation reports', () => {
  it('records a first report with its period', () => {
    expect(when([], report(REPORT_1, '2026-03-04T08:00:00.000Z'))).toEqual([
      {
        type: 'SituationReported',
        data: { reportId: REPORT_1, municipality: '0115', reportedAt: '2026-03-04T08:00:00.000Z', period: '2026-W10', infections: 4, lines },
      },
    ]);
  });

  it('accepts a later report, recorded late (a past business time after the last report)', () => {
    const events = when([reported(REPORT_1, '2026-02-25T08:00:00.000Z')], report(REPORT_2, '2026-03-02T08:00:00.000Z'));
    expect(events[0]!.type).toBe('SituationReported');
  });

  it('refuses a report that describes a moment at or before the last one', () => {
    const history = [reported(REPORT_1, '2026-03-04T08:00:00.000Z')];
    thenRefused(history, report(REPORT_2, '2026-03-04T08:00:00.000Z'), 'REPORTING.OUT_OF_ORDER');
    thenRefused(history, report(REPORT_2, '2026-03-01T08:00:00.000Z'), 'REPORTING.OUT_OF_ORDER');
  });

  it('refuses a report from the future, naming the field', () => {
    const error = thenRefused([], report(REPORT_1, '2026-03-05T12:10:00.000Z'), 'REPORTING.FUTURE_REPORT');
    expect(error.details).toEqual({ field: 'reportedAt' });
    expect(when([], report(REPORT_1, '2026-03-05T12:04:00.000Z'))).toHaveLength(1); // within clock tolerance
  });

  it('refuses an item reported twice in one report, naming the line', () => {
    const twice = { infections: 1, lines: [...lines, { ...lines[0]!, onHand: 1 }] };
    const error = thenRefused([], report(REPORT_1, '2026-03-04T08:00:00.000Z', { figures: twice }), 'REPORTING.DUPLICATE_ITEM');
    expect(error.details).toEqual({ field: 'lines[1].item' });
  });

  it('refuses the same report id twice', () => {
    thenRefused([reported(REPORT_1, '2026-03-01T08:00:00.000Z')], report(REPORT_1, '2026-03-04T08:00:00.000Z'), 'REPORTING.DUPLICATE_REPORT');
  });
});

describe('corrections', () => {
  const correct = (corrects: string): ReportingCommand => ({
    type: 'CorrectSituationReport',
    correctionId: CORRECTION,
    municipality: '0115',
    corrects,
    reason: 'Sollentuna care home counted twice',
    figures: { infections: 3, lines: [{ item: 'FFP2', onHand: 350, usedSinceLastReport: 120, requested: 300 }] },
  });

  it('names the report it corrects, keeps its time and period, and says why', () => {
    expect(when([reported(REPORT_1, '2026-03-04T08:00:00.000Z')], correct(REPORT_1))).toEqual([
      {
        type: 'SituationReportCorrected',
        data: {
          correctionId: CORRECTION,
          municipality: '0115',
          corrects: REPORT_1,
          reason: 'Sollentuna care home counted twice',
          reportedAt: '2026-03-04T08:00:00.000Z',
          period: '2026-W10',
          infections: 3,
          lines: [{ item: 'FFP2', onHand: 350, usedSinceLastReport: 120, requested: 300 }],
        },
      },
    ]);
  });

  it('corrects an older report after later ones, and a report twice', () => {
    const history: MunicipalityEvent[] = [reported(REPORT_1, '2026-03-01T08:00:00.000Z'), reported(REPORT_2, '2026-03-04T08:00:00.000Z')];
    const first = when(history, correct(REPORT_1));
    expect(when([...history, ...first], correct(REPORT_1))).toHaveLength(1);
  });

  it('refuses to correct a report this municipality never made', () => {
    thenRefused([reported(REPORT_1, '2026-03-01T08:00:00.000Z')], correct(REPORT_2), 'REPORTING.UNKNOWN_REPORT');
  });
});
