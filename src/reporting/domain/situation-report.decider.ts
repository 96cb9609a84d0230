import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { MunicipalityEvent, ReportLine } from './situation-report.events.js';
import { periodOf } from './reporting-period.js';

/** How far into the future a business time may lie (clocks drift; a report is never from tomorrow). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface ReportFigures {
  readonly infections: number;
  readonly lines: readonly ReportLine[];
}

export type ReportingCommand =
  | {
      readonly type: 'ReportSituation';
      readonly reportId: string;
      readonly municipality: string;
      readonly reportedAt: Date;
      readonly figures: ReportFigures;
      readonly now: Date;
    }
  | {
      readonly type: 'CorrectSituationReport';
      readonly correctionId: string;
      readonly municipality: string;
      readonly corrects: string;
      readonly reason: string;
      readonly figures: ReportFigures;
    };

interface KnownReport {
  readonly reportedAt: string;
  readonly period: string;
}

/** A municipality's reports, in the order they describe. */
export interface ReportingState {
  readonly reports: ReadonlyMap<string, KnownReport>;
  readonly lastReportedAt?: string;
}

const refuseDuplicateItems = (lines: readonly ReportLine[]): void => {
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (seen.has(line.item)) {
      throw new DomainError('REPORTING.DUPLICATE_ITEM', `item ${line.item} is reported twice`, 'invalid', { field: `lines[${i}].item` });
    }
    seen.add(line.item);
  });
};

/**
 * Situation reports of one municipality (`municipality-{code}`). Reports come in the order of the
 * time they describe; a figure is never overwritten: a correction names the report it corrects,
 * says why, and carries the figures that replace it.
 */
export const situationReportDecider: Decider<ReportingCommand, ReportingState, MunicipalityEvent> = {
  initialState: () => ({ reports: new Map() }),

  evolve(state, event) {
    switch (event.type) {
      case 'SituationReported': {
        const reports = new Map(state.reports);
        reports.set(event.data.reportId, { reportedAt: event.data.reportedAt, period: event.data.period });
        return { reports, lastReportedAt: event.data.reportedAt };
      }
      case 'SituationReportCorrected':
        return state;
      default: {
        const unexpected: never = event;
        throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ReportSituation': {
        if (command.reportedAt.getTime() > command.now.getTime() + FUTURE_TOLERANCE_MS) {
          throw new DomainError('REPORTING.FUTURE_REPORT', 'reportedAt lies in the future', 'invalid', { field: 'reportedAt' });
        }
        if (state.lastReportedAt && command.reportedAt.getTime() <= Date.parse(state.lastReportedAt)) {
          throw new DomainError(
            'REPORTING.OUT_OF_ORDER',
            `a report must describe a moment after the municipality's last report (${state.lastReportedAt}); ` + 'to change an earlier report, correct it',
            'rule',
            { lastReportedAt: state.lastReportedAt },
          );
        }
        if (state.reports.has(command.reportId)) {
          throw new DomainError('REPORTING.DUPLICATE_REPORT', `report ${command.reportId} exists already`, 'rule');
        }
        refuseDuplicateItems(command.figures.lines);
        return [
          {
            type: 'SituationReported',
            data: {
              reportId: command.reportId,
              municipality: command.municipality,
              reportedAt: command.reportedAt.toISOString(),
              period: periodOf(command.reportedAt),
              infections: command.figures.infections,
              lines: [...command.figures.lines],
            },
          },
        ];
      }
      case 'CorrectSituationReport': {
        const report = state.reports.get(command.corrects);
        if (!report) {
          throw new DomainError('REPORTING.UNKNOWN_REPORT', `municipality ${command.municipality} has no report ${command.corrects}`, 'not-found');
        }
        refuseDuplicateItems(command.figures.lines);
        return [
          {
            type: 'SituationReportCorrected',
            data: {
              correctionId: command.correctionId,
              municipality: command.municipality,
              corrects: command.corrects,
              reason: command.reason,
              reportedAt: report.reportedAt,
              period: report.period,
              infections: command.figures.infections,
              lines: [...command.figures.lines],
            },
          },
        ];
      }
      default: {
        const unexpected: never = command;
        throw new Error(`unexpected command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
