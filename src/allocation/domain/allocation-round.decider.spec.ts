import { describe, expect, it } from '@jest/globals';
import { EventRegistry } from '../../event-store/event-registry.js';
import { type Amendment, type AllocationCommand, allocationRoundDecider } from './allocation-round.decider.js';
import { ALLOCATION_EVENTS, type AllocationEvent, type AllocationProposedData, type RoundInputsData } from './allocation.events.js';
import { deciderSpec, refusal } from '../../../test/support/decider.js';

const ID = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const AS_OF = '2026-03-09T09:00:00.000Z';
const LATER = '2026-03-09T10:30:00.000Z';

/** The worked example of docs/allocation.md: 1,000 FFP2 among four municipalities. */
const inputs: RoundInputsData = {
  position: '751000030',
  asOf: AS_OF,
  streams: [{ streamId: 'warehouse-01-central', revision: '4' }],
  supply: [
    { item: 'FFP2', available: 1000, packSize: 20 },
    { item: 'VISOR', available: 0, packSize: 25 },
  ],
  municipalities: [
    { municipality: '0114', infections: 2, items: [{ item: 'FFP2', projectedStock: 0, dailyUse: 40, requested: 600 }] },
    { municipality: '0115', infections: 8, items: [{ item: 'FFP2', projectedStock: 100, dailyUse: 50, requested: 800 }] },
    { municipality: '0117', infections: 6, items: [{ item: 'FFP2', projectedStock: 400, dailyUse: 60, requested: 500 }] },
    { municipality: '0120', infections: 0, items: [{ item: 'FFP2', projectedStock: 900, dailyUse: 30, requested: 200 }] },
  ],
};

const propose = (overrides: Partial<Extract<AllocationCommand, { type: 'ProposeAllocation' }>> = {}): AllocationCommand => ({
  type: 'ProposeAllocation',
  allocationId: ID,
  county: '01',
  warehouseId: '01-central',
  policy: { name: 'need-weighted', version: 1 },
  parameters: {},
  inputs,
  ...overrides,
});

const approve = (amendments: Amendment[] = [], overrides: Partial<Extract<AllocationCommand, { type: 'ApproveAllocation' }>> = {}): AllocationCommand => ({
  type: 'ApproveAllocation',
  decidedBy: ['Anna Lind', 'Erik Berg'],
  note: 'Logistikberedningen 9 mars',
  amendments,
  decidedAt: LATER,
  warehouseAvailable: { FFP2: 1000, VISOR: 0 },
  ...overrides,
});

const reject: AllocationCommand = { type: 'RejectAllocation', decidedBy: ['Anna Lind'], note: 'Inväntar nya rapporter', decidedAt: LATER };

const { when } = deciderSpec(allocationRoundDecider);

const proposed = (): AllocationEvent => when([], propose())[0]!;
const approved = (): AllocationEvent => when([proposed()], approve())[0]!;
const rejected = (): AllocationEvent => when([proposed()], reject)[0]!;

describe('proposing', () => {
  it('runs the named policy on the recorded inputs and records every parameter, input and output', () => {
    const [event] = when([], propose({ parameters: { horizonDays: 14 } }));
    const data = event!.data as AllocationProposedData;
    expect(event!.type).toBe('AllocationProposed');
    expect(data).toMatchObject({
      allocationId: ID,
      county: '01',
      warehouseId: '01-central',
      policy: { name: 'need-weighted', version: 1 },
      parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
      inputs,
    });
    // The worked example's answer.
    expect(data.outputs.lines.filter((l) => l.item === 'FFP2').map((l) => [l.municipality, l.need, l.acute, l.quantity, l.unmet])).toEqual([
      ['0114', 560, true, 292, 268],
      ['0115', 600, true, 442, 158],
      ['0117', 440, false, 266, 174],
      ['0120', 0, false, 0, 0],
    ]);
    expect(data.outputs.items.find((i) => i.item === 'FFP2')).toEqual({ item: 'FFP2', available: 1000, allocated: 1000, unmet: 600 });
  });

  it('proposes once: the stream of a round holds one proposal', () => {
    expect(refusal(() => when([proposed()], propose())).code).toBe('ALLOCATION.ALREADY_PROPOSED');
  });

  it('refuses an unknown policy version and a bad parameter, naming it', () => {
    const unknown = refusal(() => when([], propose({ policy: { name: 'need-weighted', version: 99 } })));
    expect(unknown).toMatchObject({ code: 'ALLOCATION.UNKNOWN_POLICY', kind: 'invalid', details: { field: 'policy' } });
    const bad = refusal(() => when([], propose({ parameters: { acuteDays: 30, horizonDays: 14 } })));
    expect(bad).toMatchObject({ code: 'ALLOCATION.BAD_PARAMETER', kind: 'invalid', details: { field: 'parameters.acuteDays' } });
  });
});

describe('approving', () => {
  it('approves the proposal as it stands: the plan is its lines above zero', () => {
    const [event] = when([proposed()], approve());
    expect(event).toEqual({
      type: 'AllocationApproved',
      data: {
        allocationId: ID,
        county: '01',
        warehouseId: '01-central',
        decidedBy: ['Anna Lind', 'Erik Berg'],
        note: 'Logistikberedningen 9 mars',
        amendments: [],
        plan: [
          { municipality: '0114', item: 'FFP2', quantity: 292 },
          { municipality: '0115', item: 'FFP2', quantity: 442 },
          { municipality: '0117', item: 'FFP2', quantity: 266 },
        ],
      },
    });
  });

  it('records each amendment as proposed → approved with its reason, and plans the amended quantities', () => {
    const [event] = when(
      [proposed()],
      approve([
        { municipality: '0115', item: 'FFP2', quantity: 400, reason: 'Vallentuna fick leverans i går' },
        { municipality: '0117', item: 'FFP2', quantity: 300, reason: 'Nytt utbrott' },
        { municipality: '0114', item: 'FFP2', quantity: 0, reason: 'Eget lager hittat' },
      ]),
    );
    expect(event!.data).toMatchObject({
      amendments: [
        { municipality: '0115', item: 'FFP2', proposed: 442, approved: 400, reason: 'Vallentuna fick leverans i går' },
        { municipality: '0117', item: 'FFP2', proposed: 266, approved: 300, reason: 'Nytt utbrott' },
        { municipality: '0114', item: 'FFP2', proposed: 292, approved: 0, reason: 'Eget lager hittat' },
      ],
      plan: [
        { municipality: '0115', item: 'FFP2', quantity: 400 },
        { municipality: '0117', item: 'FFP2', quantity: 300 },
      ],
    });
  });

  it('lets an amendment give to a municipality of the inputs the policy gave nothing', () => {
    const [event] = when(
      [proposed()],
      approve([
        { municipality: '0117', item: 'FFP2', quantity: 200, reason: 'Mindre till Österåker' },
        { municipality: '0120', item: 'FFP2', quantity: 66, reason: 'Värmdö har ett utbrott' },
      ]),
    );
    expect(event!.data).toMatchObject({
      amendments: [expect.anything(), { municipality: '0120', item: 'FFP2', proposed: 0, approved: 66 }],
      plan: expect.arrayContaining([{ municipality: '0120', item: 'FFP2', quantity: 66 }]),
    });
  });

  it('refuses an approved total above what the round had available, naming the item and the amendment', () => {
    const error = refusal(() => when([proposed()], approve([{ municipality: '0117', item: 'FFP2', quantity: 267, reason: 'En till' }])));
    expect(error).toMatchObject({
      code: 'ALLOCATION.OVER_AVAILABLE',
      kind: 'rule',
      details: { field: 'amendments[0].quantity', item: 'FFP2', approved: 1001, available: 1000 },
    });
  });

  it('refuses a plan the warehouse can no longer set aside', () => {
    const error = refusal(() => when([proposed()], approve([], { warehouseAvailable: { FFP2: 900, VISOR: 0 } })));
    expect(error).toMatchObject({ code: 'ALLOCATION.STOCK_NO_LONGER_AVAILABLE', kind: 'rule', details: { item: 'FFP2', approved: 1000, available: 900 } });
    // Amended down to what is there, it passes.
    const [event] = when(
      [proposed()],
      approve([{ municipality: '0117', item: 'FFP2', quantity: 166, reason: 'Lagret minskade' }], { warehouseAvailable: { FFP2: 900, VISOR: 0 } }),
    );
    expect(event!.type).toBe('AllocationApproved');
  });

  it('refuses an amendment outside the round: an item it did not cover, a municipality without inputs', () => {
    expect(refusal(() => when([proposed()], approve([{ municipality: '0117', item: 'APRON', quantity: 1, reason: 'x' }])))).toMatchObject({
      code: 'ALLOCATION.AMENDMENT_OUTSIDE_ROUND',
      details: { field: 'amendments[0].item' },
    });
    expect(refusal(() => when([proposed()], approve([{ municipality: '0125', item: 'FFP2', quantity: 1, reason: 'x' }])))).toMatchObject({
      code: 'ALLOCATION.AMENDMENT_OUTSIDE_ROUND',
      details: { field: 'amendments[0].municipality' },
    });
    // An item of the round that a municipality of the inputs did not report is still a line the meeting may add.
    expect(when([proposed()], approve([{ municipality: '0117', item: 'VISOR', quantity: 0, reason: 'inget finns' }]))[0]!.type).toBe('AllocationApproved');
  });

  it('refuses the same line amended twice', () => {
    const error = refusal(() =>
      when(
        [proposed()],
        approve([
          { municipality: '0117', item: 'FFP2', quantity: 1, reason: 'a' },
          { municipality: '0117', item: 'FFP2', quantity: 2, reason: 'b' },
        ]),
      ),
    );
    expect(error).toMatchObject({ code: 'ALLOCATION.DUPLICATE_AMENDMENT', kind: 'invalid', details: { field: 'amendments[1]' } });
  });

  it('refuses a decision dated before the proposal', () => {
    const error = refusal(() => when([proposed()], approve([], { decidedAt: '2026-03-08T09:00:00.000Z' })));
    expect(error).toMatchObject({ code: 'ALLOCATION.DECIDED_BEFORE_PROPOSAL', kind: 'invalid', details: { field: 'decidedAt' } });
  });
});

describe('rejecting', () => {
  it('records who rejected the proposal and why', () => {
    expect(when([proposed()], reject)).toEqual([
      { type: 'AllocationRejected', data: { allocationId: ID, county: '01', decidedBy: ['Anna Lind'], note: 'Inväntar nya rapporter' } },
    ]);
  });

  it('refuses a rejection dated before the proposal', () => {
    expect(refusal(() => when([proposed()], { ...reject, decidedAt: '2026-03-01T00:00:00Z' } as AllocationCommand)).code).toBe(
      'ALLOCATION.DECIDED_BEFORE_PROPOSAL',
    );
  });
});

describe('one decision per round', () => {
  it.each([
    ['approved', 'approve', approved, approve()],
    ['approved', 'reject', approved, reject],
    ['rejected', 'approve', rejected, approve()],
    ['rejected', 'reject', rejected, reject],
  ] as const)('refuses to decide a round %s already (%s)', (status, _what, decision, command) => {
    const error = refusal(() => when([proposed(), decision()], command));
    expect(error).toMatchObject({ code: 'ALLOCATION.ALREADY_DECIDED', kind: 'rule', details: { status } });
  });

  it('knows no round that was never proposed', () => {
    expect(refusal(() => when([], approve()))).toMatchObject({ code: 'ALLOCATION.NOT_FOUND', kind: 'not-found' });
    expect(refusal(() => when([], reject))).toMatchObject({ code: 'ALLOCATION.NOT_FOUND', kind: 'not-found' });
  });
});

describe('the events decided', () => {
  it('pass their schemas', () => {
    const registry = new EventRegistry().register(...ALLOCATION_EVENTS);
    const amended = when([proposed()], approve([{ municipality: '0120', item: 'FFP2', quantity: 0, reason: 'x' }]))[0]!;
    for (const event of [proposed(), approved(), rejected(), amended]) {
      expect(() =>
        registry.checkForWrite({
          type: event.type,
          data: event.data,
          metadata: { eventId: ID, correlationId: ID, causationId: ID, actor: 'u', role: 'committee', occurredAt: LATER, schemaVersion: 1 },
        }),
      ).not.toThrow();
    }
  });
});
