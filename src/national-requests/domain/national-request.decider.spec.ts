import { describe, expect, it } from '@jest/globals';
import type { NationalRequestEvent } from './national-request.events.js';
import { type NationalRequestCommand, nationalRequestDecider as decider } from './national-request.decider.js';
import { deciderSpec } from '../../../test/support/decider.js';

const REQUEST = '5e2b7c3a-9d1f-4e6a-8b0c-1a2d3e4f5a6b';
const ROUND = '5d2f8a61-0c4e-4b7a-8e19-7a3b6c2d9f10';

const raise = (overrides: Partial<Extract<NationalRequestCommand, { type: 'RaiseNationalRequest' }>> = {}): NationalRequestCommand => ({
  type: 'RaiseNationalRequest',
  requestId: REQUEST,
  county: '01',
  lines: [
    { item: 'FFP2', quantity: 400 },
    { item: 'GOWN-LS', quantity: 50 },
  ],
  ...overrides,
});

const answer = (outcome: 'granted' | 'partly-granted' | 'refused', lines = [{ item: 'FFP2', quantity: 300 }], note?: string): NationalRequestCommand => ({
  type: 'AnswerNationalRequest',
  requestId: REQUEST,
  outcome,
  lines,
  ...(note ? { note } : {}),
});

const raised: NationalRequestEvent = {
  type: 'NationalRequestRaised',
  data: { requestId: REQUEST, county: '01', lines: [{ item: 'FFP2', quantity: 400 }] },
};
const answered: NationalRequestEvent = {
  type: 'NationalRequestAnswered',
  data: { requestId: REQUEST, county: '01', outcome: 'refused', lines: [] },
};

const { when, thenRefused } = deciderSpec(decider);

describe('raising a national request', () => {
  it('raises a request with its lines and note', () => {
    expect(when([], raise({ note: 'outbreak in two care homes' }))).toEqual([
      {
        type: 'NationalRequestRaised',
        data: {
          requestId: REQUEST,
          county: '01',
          lines: [
            { item: 'FFP2', quantity: 400 },
            { item: 'GOWN-LS', quantity: 50 },
          ],
          note: 'outbreak in two care homes',
        },
      },
    ]);
  });

  it('raises from a round when no line exceeds the unmet need of its item', () => {
    const round = {
      allocationId: ROUND,
      unmetByItem: new Map([
        ['FFP2', 400],
        ['GOWN-LS', 60],
      ]),
    };
    expect(when([], raise({ round }))).toEqual([expect.objectContaining({ data: expect.objectContaining({ allocationId: ROUND }) })]);
  });

  it('refuses a line above the unmet need of the round, naming the line', () => {
    const round = {
      allocationId: ROUND,
      unmetByItem: new Map([
        ['FFP2', 400],
        ['GOWN-LS', 49],
      ]),
    };
    const error = thenRefused([], raise({ round }), 'NATIONAL_REQUEST.EXCEEDS_UNMET_NEED');
    expect(error.kind).toBe('rule');
    expect(error.details).toMatchObject({ field: 'lines[1].quantity', unmet: 49 });
  });

  it('refuses an item the round left no unmet need of', () => {
    const round = { allocationId: ROUND, unmetByItem: new Map([['FFP2', 400]]) };
    expect(thenRefused([], raise({ round }), 'NATIONAL_REQUEST.EXCEEDS_UNMET_NEED').details).toMatchObject({ field: 'lines[1].quantity' });
  });

  it('refuses an item named twice', () => {
    const lines = [
      { item: 'FFP2', quantity: 1 },
      { item: 'FFP2', quantity: 2 },
    ];
    expect(thenRefused([], raise({ lines }), 'NATIONAL_REQUEST.DUPLICATE_ITEM').details).toEqual({ field: 'lines[1].item' });
  });

  it('raises a request once', () => {
    thenRefused([raised], raise(), 'NATIONAL_REQUEST.ALREADY_RAISED');
    thenRefused([raised, answered], raise(), 'NATIONAL_REQUEST.ALREADY_RAISED');
  });
});

describe('answering a national request', () => {
  it('records a grant with what is granted', () => {
    expect(when([raised], answer('granted', [{ item: 'FFP2', quantity: 400 }]))).toEqual([
      { type: 'NationalRequestAnswered', data: { requestId: REQUEST, county: '01', outcome: 'granted', lines: [{ item: 'FFP2', quantity: 400 }] } },
    ]);
  });

  it('records a partial grant with a note', () => {
    expect(when([raised], answer('partly-granted', [{ item: 'FFP2', quantity: 300 }], 'rest in week 12'))[0]!.data).toMatchObject({
      outcome: 'partly-granted',
      lines: [{ item: 'FFP2', quantity: 300 }],
      note: 'rest in week 12',
    });
  });

  it('records a refusal without lines', () => {
    expect(when([raised], answer('refused', []))[0]!.data).toMatchObject({ outcome: 'refused', lines: [] });
  });

  it('refuses a grant or partial grant without lines', () => {
    expect(thenRefused([raised], answer('granted', []), 'NATIONAL_REQUEST.GRANT_WITHOUT_LINES').details).toEqual({ field: 'lines' });
    thenRefused([raised], answer('partly-granted', []), 'NATIONAL_REQUEST.GRANT_WITHOUT_LINES');
  });

  it('refuses a refusal that grants lines', () => {
    expect(thenRefused([raised], answer('refused'), 'NATIONAL_REQUEST.REFUSAL_WITH_LINES').kind).toBe('invalid');
  });

  it('refuses an answer naming an item twice', () => {
    const lines = [
      { item: 'FFP2', quantity: 1 },
      { item: 'FFP2', quantity: 1 },
    ];
    thenRefused([raised], answer('granted', lines), 'NATIONAL_REQUEST.DUPLICATE_ITEM');
  });

  it('answers only a raised request', () => {
    expect(thenRefused([], answer('refused', []), 'NATIONAL_REQUEST.NOT_FOUND').kind).toBe('not-found');
  });

  it('answers once', () => {
    thenRefused([raised, answered], answer('granted'), 'NATIONAL_REQUEST.ALREADY_ANSWERED');
  });
});
