import type { Problem } from '../../api/client.js';

/**
 * The logic of the municipality's forms that the browser owns: reading what people type, keeping
 * only the rows they filled, and putting the service's refusals back beside the fields they name.
 * Whether a figure is acceptable (not too large, not before the last report, not more than was
 * sent) is the service's to say; here only "is it filled in, and is it a whole number".
 */

export const LINE_FIELDS = ['onHand', 'usedSinceLastReport', 'requested'] as const;
export type LineField = (typeof LINE_FIELDS)[number];
export type LineValues = Readonly<Record<LineField, string>>;
export const EMPTY_LINE: LineValues = { onHand: '', usedSinceLastReport: '', requested: '' };

/** One problem of a form, under the key of the field it belongs to (`infections`, `lines.FFP2.onHand`, `reason`). */
export type LocalProblem = { readonly key: string; readonly code: 'required' | 'wholeNumber' | 'noLines' };
export type ServerProblem = {
  readonly key: string;
  readonly message: string;
  /** The path the service named (`lines[1].onHand`): its messages start with it, and the form puts the field's label there. */
  readonly path?: string;
};

export const lineKey = (item: string, field: string): string => `lines.${item}.${field}`;

const BLANK = /[\s\u00a0\u202f]/g;

/**
 * Whole units as people here write them: digits, perhaps grouped with spaces (`1 200`). Anything
 * else (a sign, a decimal, a letter) is not a count. Up to 15 digits, so a number too large for
 * the service reaches it intact and is refused there with its own reason.
 */
export const parseUnits = (text: string): number | undefined => {
  const compact = text.replace(BLANK, '');
  return /^\d{1,15}$/.test(compact) ? Number(compact) : undefined;
};

export const isBlank = (text: string): boolean => text.replace(BLANK, '') === '';

/** A required whole number: the number, or the problem with it. */
export const readUnits = (key: string, text: string, problems: LocalProblem[]): number => {
  if (isBlank(text)) problems.push({ key, code: 'required' });
  else if (parseUnits(text) === undefined) problems.push({ key, code: 'wholeNumber' });
  return parseUnits(text) ?? 0;
};

export interface ReportLine {
  readonly item: string;
  readonly onHand: number;
  readonly usedSinceLastReport: number;
  readonly requested: number;
}

/**
 * The lines a report or correction sends: the rows with anything filled in, in the form's order.
 * `sentItems[i]` is the item of `lines[i]`, to map the service's `lines[i].…` back to its row.
 */
export const reportLines = (
  items: readonly string[],
  values: Readonly<Record<string, LineValues>>,
): { lines: ReportLine[]; sentItems: string[]; problems: LocalProblem[] } => {
  const problems: LocalProblem[] = [];
  const lines: ReportLine[] = [];
  for (const item of items) {
    const row = values[item] ?? EMPTY_LINE;
    if (LINE_FIELDS.every((field) => isBlank(row[field]))) continue;
    const [onHand, usedSinceLastReport, requested] = LINE_FIELDS.map((field) => readUnits(lineKey(item, field), row[field], problems)) as [
      number,
      number,
      number,
    ];
    lines.push({ item, onHand, usedSinceLastReport, requested });
  }
  if (lines.length === 0) problems.push({ key: 'lines', code: 'noLines' });
  return { lines, sentItems: lines.map((l) => l.item), problems };
};

/**
 * The service's refusal as problems of the form's fields. A field path `lines[i].x` names the
 * i-th line sent, which is the row of `sentItems[i]`; a refusal that names no field but is about
 * one (a report older than the last, about `reportedAt`) goes to that field by its code.
 */
export const serverProblems = (
  error: { readonly problem: Problem },
  sentItems: readonly string[],
  fieldOfCode: Readonly<Record<string, string>> = {},
): ServerProblem[] => {
  const errors = error.problem.errors ?? [];
  if (errors.length === 0) {
    const key = fieldOfCode[error.problem.code];
    return key ? [{ key, message: error.problem.detail ?? error.problem.title }] : [];
  }
  return errors.map((e) => {
    const line = /^lines\[(\d+)\]\.(\w+)$/.exec(e.field);
    const item = line ? sentItems[Number(line[1])] : undefined;
    return { key: line && item ? lineKey(item, line[2]!) : e.field, message: e.message, path: e.field };
  });
};

/** The service's message with the path it names (`lines[1].onHand måste …`) put in the words of the form's label. */
export const wordServerMessage = (problem: ServerProblem, label: string): string =>
  problem.path ? problem.message.split(problem.path).join(label) : problem.message;

/** An element id for a field of a form, safe in a URL fragment. */
export const fieldId = (form: string, key: string): string => `${form}-${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
