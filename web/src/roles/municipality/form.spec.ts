import { describe, expect, it } from '@jest/globals';
import type { Problem } from '../../api/client.js';
import { EMPTY_LINE, lineKey, parseUnits, reportLines, serverProblems, wordServerMessage } from './form.js';

describe('reading counts as people type them', () => {
  it('takes digits, grouped with spaces or not', () => {
    expect(parseUnits('420')).toBe(420);
    expect(parseUnits(' 1 200 ')).toBe(1200);
    expect(parseUnits('1\u00a0200')).toBe(1200);
    expect(parseUnits('0')).toBe(0);
  });

  it('is no count with a sign, a decimal or a letter', () => {
    for (const text of ['-5', '12,5', '12.5', 'tio', '', '1e3']) expect(parseUnits(text)).toBeUndefined();
  });
});

describe('a report’s lines', () => {
  const items = ['FFP2', 'FFP3', 'GLOVE-NITRILE-M'];

  it('sends only the rows filled in, in the form’s order, and says which item each sent line is', () => {
    const result = reportLines(items, {
      FFP3: EMPTY_LINE,
      'GLOVE-NITRILE-M': { onHand: '2 500', usedSinceLastReport: '1500', requested: '0' },
      FFP2: { onHand: '300', usedSinceLastReport: '600', requested: '400' },
    });
    expect(result.problems).toEqual([]);
    expect(result.lines).toEqual([
      { item: 'FFP2', onHand: 300, usedSinceLastReport: 600, requested: 400 },
      { item: 'GLOVE-NITRILE-M', onHand: 2500, usedSinceLastReport: 1500, requested: 0 },
    ]);
    expect(result.sentItems).toEqual(['FFP2', 'GLOVE-NITRILE-M']);
  });

  it('asks for the rest of a row begun, and for at least one row', () => {
    expect(reportLines(items, { FFP3: { onHand: '10', usedSinceLastReport: '', requested: 'x' } }).problems).toEqual([
      { key: lineKey('FFP3', 'usedSinceLastReport'), code: 'required' },
      { key: lineKey('FFP3', 'requested'), code: 'wholeNumber' },
    ]);
    expect(reportLines(items, {}).problems).toEqual([{ key: 'lines', code: 'noLines' }]);
  });
});

describe('the service’s refusal, beside the field it names', () => {
  // ApiError's shape; the class itself comes with the browser's API client.
  const refusal = (problem: Partial<Problem>) => ({
    problem: { type: 'about:blank', title: 'Ogiltig begäran', status: 400, code: 'REQUEST.INVALID', ...problem },
  });

  it('maps lines[i] to the row of the i-th line sent, not the i-th row of the form', () => {
    const problems = serverProblems(
      refusal({ errors: [{ field: 'lines[1].onHand', code: 'FIELD.TOO_LARGE', message: 'lines[1].onHand får vara högst 1000000000' }] }),
      ['FFP2', 'GLOVE-NITRILE-M'],
    );
    expect(problems).toEqual([{ key: lineKey('GLOVE-NITRILE-M', 'onHand'), message: 'lines[1].onHand får vara högst 1000000000', path: 'lines[1].onHand' }]);
    expect(wordServerMessage(problems[0]!, 'I lager nu')).toBe('I lager nu får vara högst 1000000000');
  });

  it('puts a refusal without a field on the field its code is about, and otherwise on none', () => {
    const outOfOrder = refusal({
      title: 'Rapport i fel ordning',
      status: 409,
      code: 'REPORTING.OUT_OF_ORDER',
      detail: 'En rapport måste beskriva en tidpunkt efter kommunens senaste rapport',
    });
    expect(serverProblems(outOfOrder, [], { 'REPORTING.OUT_OF_ORDER': 'reportedAt' })).toEqual([
      { key: 'reportedAt', message: 'En rapport måste beskriva en tidpunkt efter kommunens senaste rapport' },
    ]);
    expect(serverProblems(outOfOrder, [])).toEqual([]);
  });
});
