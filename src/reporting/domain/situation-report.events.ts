import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { id, instant, isoWeek, itemCode, municipalityCode, text, units } from '../../shared/schemas.js';

/** Stream: `municipality-{code}`. */
export const municipalityStream = (code: string): string => `municipality-${code}`;

export const reportLine = z.strictObject({
  item: itemCode,
  /** Counted stock on hand at `reportedAt`, all care homes in the municipality together. */
  onHand: units,
  /** Used since the municipality's previous report. */
  usedSinceLastReport: units,
  /** What it asks the county for. */
  requested: units,
});
export type ReportLine = z.infer<typeof reportLine>;

const situationReported = z.strictObject({
  reportId: id,
  municipality: municipalityCode,
  /** Business time the figures describe. */
  reportedAt: instant,
  period: isoWeek,
  /** Confirmed infections in the municipality's care homes. */
  infections: units,
  lines: z.array(reportLine).min(1).max(100),
});

const situationReportCorrected = z.strictObject({
  correctionId: id,
  municipality: municipalityCode,
  /** The report whose figures this replaces (the original stays in the log). */
  corrects: id,
  reason: text(1000),
  /** Of the corrected report: a correction does not move a report in time. */
  reportedAt: instant,
  period: isoWeek,
  infections: units,
  lines: z.array(reportLine).min(1).max(100),
});

export const SituationReported = defineEvent({ type: 'SituationReported', schemaVersion: 1, schema: situationReported });
export const SituationReportCorrected = defineEvent({
  type: 'SituationReportCorrected',
  schemaVersion: 1,
  schema: situationReportCorrected,
});

export type SituationReportedData = z.infer<typeof situationReported>;
export type SituationReportCorrectedData = z.infer<typeof situationReportCorrected>;

export type MunicipalityEvent = DomainEvent<'SituationReported', SituationReportedData> | DomainEvent<'SituationReportCorrected', SituationReportCorrectedData>;

export const REPORTING_EVENTS = [SituationReported, SituationReportCorrected];
