import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allocationRoundDecider } from '../../src/allocation/domain/allocation-round.decider.js';
import { ALLOCATION_EVENTS, allocationStream, type AllocationEvent, type RoundInputsData } from '../../src/allocation/domain/allocation.events.js';
import { AllocationRoundsProjection } from '../../src/allocation/projections/allocation-rounds.projector.js';
import { allocationRound, allocationRounds } from '../../src/allocation/queries/allocation-rounds.js';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { rebuildProjection } from '../../src/projections/projection-rebuilder.js';
import { WAREHOUSE_EVENTS, warehouseStream } from '../../src/warehouse/domain/warehouse.events.js';
import { openTestLog, testEvent, type TestLog } from '../support/database.js';

const APPROVED = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const REJECTED = '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b';
const OPEN = '6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c';
const UNKNOWN = '7a6f5e4d-3c2b-4a1f-8e9d-8c7b6a5f4e3d';
const DELIVERY = '3b9d6a52-0c1e-4f7a-9d2b-6e8f0a1c2d3e';
const AS_OF = '2026-03-09T09:00:00.000Z';

const registry = new EventRegistry().register(...ALLOCATION_EVENTS, ...WAREHOUSE_EVENTS);
const projection = new AllocationRoundsProjection();
let log: TestLog;

beforeAll(async () => {
  log = await openTestLog();
});
afterAll(async () => {
  await log?.close();
});

const inputs: RoundInputsData = {
  position: '42',
  asOf: AS_OF,
  streams: [{ streamId: 'warehouse-01-central', revision: '3' }],
  supply: [{ item: 'FFP2', available: 1000, packSize: 20 }],
  municipalities: [
    { municipality: '0114', infections: 2, items: [{ item: 'FFP2', projectedStock: 0, dailyUse: 40, requested: 600 }] },
    { municipality: '0115', infections: 8, items: [{ item: 'FFP2', projectedStock: 100, dailyUse: 50, requested: 800 }] },
    { municipality: '0117', infections: 6, items: [{ item: 'FFP2', projectedStock: 400, dailyUse: 60, requested: 500 }] },
  ],
};

/** Decides with the round's decider and appends, as the service would; answers the recorded event. */
const decideAndAppend = async (allocationId: string, command: Parameters<typeof allocationRoundDecider.decide>[0], role: string) => {
  const streamId = allocationStream(allocationId);
  const history = await log.store.readStream(streamId).catch(() => []);
  const state = history.reduce((s, e) => allocationRoundDecider.evolve(s, e as unknown as AllocationEvent), allocationRoundDecider.initialState());
  const [event] = allocationRoundDecider.decide(command, state);
  const recorded = testEvent(event!.type, event!.data, { role, actor: `${role}-1`, actorName: `Test ${role}`, occurredAt: '2026-03-09T09:30:00.000Z' });
  registry.checkForWrite(recorded);
  await log.store.appendToStream(streamId, [recorded], { expectedRevision: 'any' });
  return (await log.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]!;
};

const propose = (allocationId: string) =>
  decideAndAppend(
    allocationId,
    { type: 'ProposeAllocation', allocationId, county: '01', warehouseId: '01-central', policy: { name: 'need-weighted', version: 1 }, parameters: {}, inputs },
    'county',
  );

const decision = { decidedBy: ['Anna Lind', 'Erik Berg'], note: 'Logistikberedningen', decidedAt: '2026-03-09T09:30:00.000Z' };

const dispatch = async (municipality: string, lines: { item: string; quantity: number }[], allocationId?: string): Promise<RecordedEvent> => {
  const recorded = testEvent('DeliveryDispatched', {
    deliveryId: DELIVERY,
    warehouseId: '01-central',
    municipality,
    county: '01',
    ...(allocationId ? { allocationId } : {}),
    dispatchedAt: '2026-03-10T07:00:00.000Z',
    lines: lines.map((l) => ({ ...l, lots: [{ lot: null, expiresOn: null, quantity: l.quantity }] })),
  });
  registry.checkForWrite(recorded);
  await log.store.appendToStream(warehouseStream('01-central'), [recorded], { expectedRevision: 'any' });
  return (await log.store.readStream(warehouseStream('01-central'), { direction: 'backwards', maxCount: 1 }))[0]!;
};

/** Applies each event twice, each time in its own transaction, as a retried batch would. */
const applyTwice = async (...events: RecordedEvent[]) => {
  for (const event of events) {
    for (let i = 0; i < 2; i++) await log.dataSource.transaction((tx) => projection.apply([event], tx));
  }
};

const everything = async () => ({
  rounds: await log.dataSource.query('SELECT * FROM allocation_rounds ORDER BY allocation_id'),
  plan: await log.dataSource.query('SELECT * FROM allocation_round_plan ORDER BY allocation_id, municipality, item'),
});

describe('allocation-rounds projection', () => {
  it('keeps each round with its proposal, decision and plan drawn down by dispatches, once per event; a rebuild reproduces it', async () => {
    const events = [
      await propose(APPROVED),
      await propose(REJECTED),
      await propose(OPEN),
      await decideAndAppend(
        APPROVED,
        {
          type: 'ApproveAllocation',
          ...decision,
          amendments: [{ municipality: '0115', item: 'FFP2', quantity: 408, reason: 'Vallentuna fick en donation' }],
          warehouseAvailable: { FFP2: 1000 },
        },
        'committee',
      ),
      await decideAndAppend(REJECTED, { type: 'RejectAllocation', ...decision }, 'committee'),
      // Two lines of one item in one dispatch, then the rest; a dispatch without allocation; one for a round never proposed.
      await dispatch(
        '0114',
        [
          { item: 'FFP2', quantity: 200 },
          { item: 'FFP2', quantity: 50 },
        ],
        APPROVED,
      ),
      await dispatch('0114', [{ item: 'FFP2', quantity: 42 }], APPROVED),
      await dispatch('0115', [{ item: 'FFP2', quantity: 8 }], APPROVED),
      await dispatch('0115', [{ item: 'FFP2', quantity: 5 }]),
      await dispatch('0115', [{ item: 'FFP2', quantity: 5 }], UNKNOWN),
    ];
    await applyTwice(...events);

    const round = await allocationRound(log.dataSource, APPROVED);
    expect(round).toEqual({
      allocationId: APPROVED,
      county: '01',
      warehouseId: '01-central',
      status: 'approved',
      proposal: {
        policy: { name: 'need-weighted', version: 1 },
        parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
        inputs: { position: '42', asOf: AS_OF, supply: inputs.supply, municipalities: inputs.municipalities },
        outputs: expect.objectContaining({ items: [{ item: 'FFP2', available: 1000, allocated: 1000, unmet: expect.any(Number) }] }),
        unmet: expect.arrayContaining([expect.objectContaining({ municipality: '0114', item: 'FFP2' })]),
        proposedBy: { actor: 'county-1', name: 'Test county', role: 'county' },
        proposedAt: events[0]!.recordedAt.toISOString(),
        eventId: events[0]!.metadata.eventId,
        position: events[0]!.position.toString(),
      },
      decision: {
        outcome: 'approved',
        decidedBy: ['Anna Lind', 'Erik Berg'],
        note: 'Logistikberedningen',
        amendments: [{ municipality: '0115', item: 'FFP2', proposed: expect.any(Number), approved: 408, reason: 'Vallentuna fick en donation' }],
        enteredBy: { actor: 'committee-1', name: 'Test committee', role: 'committee' },
        decidedAt: '2026-03-09T09:30:00.000Z',
        recordedAt: events[3]!.recordedAt.toISOString(),
        eventId: events[3]!.metadata.eventId,
        position: events[3]!.position.toString(),
      },
      plan: expect.any(Array),
      closed: false,
    });
    const planned = Object.fromEntries(round!.plan.map((l) => [l.municipality, l]));
    const proposed0114 = round!.proposal.outputs.lines.find((l) => l.municipality === '0114')!.quantity;
    expect(planned['0114']).toEqual({
      municipality: '0114',
      item: 'FFP2',
      planned: proposed0114,
      dispatched: 292,
      remaining: proposed0114 - 292,
      closed: proposed0114 <= 292,
    });
    expect(planned['0115']).toEqual({ municipality: '0115', item: 'FFP2', planned: 408, dispatched: 8, remaining: 400, closed: false });
    expect(round!.proposal.unmet.every((u) => u.unmet > 0)).toBe(true);

    const rejected = await allocationRound(log.dataSource, REJECTED);
    expect(rejected).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', amendments: [] }, plan: [], closed: false });
    expect(await allocationRound(log.dataSource, UNKNOWN)).toBeUndefined();
    expect(await log.dataSource.query('SELECT 1 FROM allocation_round_plan WHERE allocation_id = $1', [UNKNOWN])).toEqual([]);

    const list = await allocationRounds(log.dataSource, { county: '01', limit: 10 });
    expect(list.map((r) => [r.allocationId, r.status])).toEqual([
      [OPEN, 'proposed'],
      [REJECTED, 'rejected'],
      [APPROVED, 'approved'],
    ]);
    // The list leaves the input figures to the detail.
    expect(list[0]!.proposal.inputs).toEqual({ position: '42', asOf: AS_OF });
    expect((await allocationRounds(log.dataSource, { county: '01', status: 'approved', limit: 10 })).map((r) => r.allocationId)).toEqual([APPROVED]);
    expect(await allocationRounds(log.dataSource, { county: '18', limit: 10 })).toEqual([]);

    const before = await everything();
    await rebuildProjection(log.dataSource, log.store, projection, { registry });
    expect(await everything()).toEqual(before);
  });

  it('closes a line, and the round, when its plan is fully dispatched', async () => {
    const round = (await allocationRound(log.dataSource, APPROVED))!;
    const events = [];
    for (const line of round.plan) {
      if (line.remaining > 0) events.push(await dispatch(line.municipality, [{ item: line.item, quantity: line.remaining }], APPROVED));
    }
    await applyTwice(...events);
    const after = (await allocationRound(log.dataSource, APPROVED))!;
    expect(after.plan.every((l) => l.closed && l.remaining === 0)).toBe(true);
    expect(after.closed).toBe(true);
  });
});
