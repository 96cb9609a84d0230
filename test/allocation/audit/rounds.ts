import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../src/shared/actor.js';
import { DELIVERY_EVENTS } from '../../../src/deliveries/domain/delivery.events.js';
import { EventRegistry } from '../../../src/event-store/event-registry.js';
import type { EventStore, NewEvent } from '../../../src/event-store/event-store.js';
import {
  ALLOCATION_EVENTS,
  allocationStream,
  type AllocationApprovedData,
  type AllocationProposedData,
} from '../../../src/allocation/domain/allocation.events.js';
import { policyFor } from '../../../src/allocation/domain/policies/registry.js';
import { buildRoundInputs } from '../../../src/allocation/domain/round-inputs.js';
import { readRoundFacts } from '../../../src/allocation/round-facts.js';
import { NATIONAL_REQUEST_EVENTS } from '../../../src/national-requests/domain/national-request.events.js';
import { ReferenceData } from '../../../src/reference/reference-data.js';
import { REPORTING_EVENTS } from '../../../src/reporting/domain/situation-report.events.js';
import type { CommandContext } from '../../../src/shared/command-context.js';
import { toNewEvents } from '../../../src/event-store/command-handling.js';
import { WAREHOUSE_EVENTS } from '../../../src/warehouse/domain/warehouse.events.js';

/**
 * Allocation rounds recorded as the round's command records them — inputs read from the log at one
 * position with the same code, the policy run on them — so audit can be tested on its own, and so a
 * proposal can be tampered with.
 */

export const registry = new EventRegistry().register(
  ...WAREHOUSE_EVENTS,
  ...DELIVERY_EVENTS,
  ...REPORTING_EVENTS,
  ...ALLOCATION_EVENTS,
  ...NATIONAL_REQUEST_EVENTS,
);
export const reference = ReferenceData.load();

export const countyCoordinator: Actor = { sub: 'u-4', name: 'Eva Lind', role: 'county', county: '01' };
export const committee: Actor = { sub: 'u-9', name: 'Logistikberedningen', role: 'committee', county: '01' };

export const recordedBy = (actor: Actor, streamId: string, type: string, data: unknown, occurredAt: Date): NewEvent => {
  const context: CommandContext = { actor, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() };
  return toNewEvents(registry, streamId, [{ type, data }], context, occurredAt)[0]!;
};

export interface ProposeOptions {
  readonly allocationId?: string;
  readonly county?: string;
  readonly items?: readonly string[];
  readonly policy?: { name: string; version: number };
  readonly parameters?: Record<string, number | boolean>;
  readonly asOf?: Date;
  /**
   * The log position to read the inputs at; the head of the log when omitted. Tests pass the position
   * of their last write: the head a reader sees may lag behind a write for a moment (the commit-order
   * frontier), which would leave the freshest facts out of the round.
   */
  readonly position?: bigint;
  /** Changes the outputs after the policy ran: a proposal that does not follow from its inputs. */
  readonly tamper?: (outputs: AllocationProposedData['outputs']) => AllocationProposedData['outputs'];
}

/** Reads the inputs at the head of the log, runs the policy, appends `AllocationProposed`. */
export const proposeRound = async (store: EventStore, options: ProposeOptions = {}) => {
  const county = options.county ?? '01';
  const warehouse = reference.warehouseOf(county)!;
  const policy = policyFor(options.policy?.name ?? 'need-weighted', options.policy?.version ?? 2);
  const parameters = policy.parameters(options.parameters ?? {}) as Record<string, number | boolean>;
  const scope = {
    municipalities: reference.municipalitiesOf(county).map((m) => m.code),
    items: (options.items ?? ['FFP2', 'GLOVE-NITRILE-M']).map((item) => ({ item, packSize: reference.item(item)!.packSize })),
    asOf: options.asOf ?? new Date(),
  };
  const position = options.position ?? (await store.headPosition());
  const { facts, streams } = await readRoundFacts(store, registry, { ...scope, warehouseId: warehouse.id, position });
  const inputs = buildRoundInputs(scope, facts);
  const outputs = policy.allocate(inputs, parameters);
  const allocationId = options.allocationId ?? randomUUID();
  const data: AllocationProposedData = {
    allocationId,
    county,
    warehouseId: warehouse.id,
    policy: { name: policy.name, version: policy.version },
    parameters,
    inputs: {
      position: position.toString(),
      asOf: scope.asOf.toISOString(),
      streams,
      supply: inputs.supply.map((s) => ({ ...s })),
      municipalities: inputs.municipalities.map((m) => ({ ...m, items: m.items.map((i) => ({ ...i })) })),
    },
    outputs: (options.tamper ?? ((o) => o))(structuredClone({ lines: [...outputs.lines], items: [...outputs.items] })),
  };
  const event = recordedBy({ ...countyCoordinator, county }, allocationStream(allocationId), 'AllocationProposed', data, new Date());
  const appended = await store.appendToStream(allocationStream(allocationId), [event], { expectedRevision: 'no_stream' });
  return { allocationId, data, event, position: appended.position };
};

/** Approves a proposal as proposed: the plan is every line with a quantity. */
export const approveRound = async (store: EventStore, proposal: AllocationProposedData) => {
  const data: AllocationApprovedData = {
    allocationId: proposal.allocationId,
    county: proposal.county,
    warehouseId: proposal.warehouseId,
    decidedBy: ['Maria Holm', 'Per Ek'],
    note: 'as proposed',
    amendments: [],
    plan: proposal.outputs.lines.filter((l) => l.quantity > 0).map(({ municipality, item, quantity }) => ({ municipality, item, quantity })),
  };
  const streamId = allocationStream(proposal.allocationId);
  const event = recordedBy(committee, streamId, 'AllocationApproved', data, new Date());
  const appended = await store.appendToStream(streamId, [event], { expectedRevision: 0n });
  return { event, streamId, position: appended.position };
};
