import { StreamNotFoundError } from '../../event-store/errors.js';
import type { EventRegistry } from '../../event-store/event-registry.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.js';
import type { ReferenceData } from '../../reference/reference-data.js';
import { DomainError } from '../../shared/domain-error.js';
import { allocationStream, type AllocationProposedData, type RoundInputsData } from '../domain/allocation.events.js';
import { parsePolicy, policyFor } from '../domain/policies/registry.js';
import { type AllocationPolicy, type PolicyOutput, policyId } from '../domain/policies/policy.js';
import { buildRoundInputs } from '../domain/round-inputs.js';
import { readRoundFacts } from '../round-facts.js';
import { compareLines, type DiffEntry, diffInputs, diffOutputs } from './domain/compare-round.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RoundStatus = 'proposed' | 'approved' | 'rejected';

export interface RecordedRound {
  readonly allocationId: string;
  /** The current proposal: the last one in the stream (a decision is only ever taken on it). */
  readonly proposal: RecordedEvent<'AllocationProposed', AllocationProposedData>;
  readonly status: RoundStatus;
  readonly events: number;
}

/** The round's own stream, decoded; 404 when there is no such round. */
export const loadRound = async (store: EventStore, registry: EventRegistry, allocationId: string): Promise<RecordedRound> => {
  const notFound = () => new DomainError('ALLOCATION.NOT_FOUND', `no allocation round ${allocationId}`, 'not-found');
  if (!UUID.test(allocationId)) throw notFound();
  let events: RecordedEvent[];
  try {
    events = (await store.readStream(allocationStream(allocationId))).map((e) => (registry.has(e.type) ? registry.decode(e) : e));
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw notFound();
    throw error;
  }
  let proposal: RecordedRound['proposal'] | undefined;
  let status: RoundStatus = 'proposed';
  for (const event of events) {
    if (event.type === 'AllocationProposed') {
      proposal = event as RecordedRound['proposal'];
      status = 'proposed';
    } else if (event.type === 'AllocationApproved') status = 'approved';
    else if (event.type === 'AllocationRejected') status = 'rejected';
  }
  if (!proposal) throw notFound();
  return { allocationId, proposal, status, events: events.length };
};

export interface ReplayReport {
  readonly allocationId: string;
  readonly county: string;
  readonly warehouseId: string;
  readonly status: RoundStatus;
  readonly policy: string;
  readonly parameters: Record<string, number | boolean>;
  readonly position: string;
  readonly asOf: string;
  readonly inputsReproduced: boolean;
  readonly outputsReproduced: boolean;
  readonly diff: readonly DiffEntry[];
  /** What the replay read: only these streams, as they stood at `position`. */
  readonly read: {
    readonly streams: readonly { readonly streamId: string; readonly revision: string }[];
    readonly events: number;
  };
}

/**
 * Replays a decision: rebuilds its inputs from the log as it stood at the recorded position (the
 * county's municipality streams from reference data, the warehouse's stream and the deliveries they
 * lead to — never the stored copy, never a read model), reruns the recorded policy version with the
 * recorded parameters on them, and compares both with what was recorded.
 */
export const replayRound = async (store: EventStore, registry: EventRegistry, reference: ReferenceData, allocationId: string): Promise<ReplayReport> => {
  const round = await loadRound(store, registry, allocationId);
  const recorded = round.proposal.data;
  const { facts, streams } = await readRoundFacts(store, registry, {
    warehouseId: recorded.warehouseId,
    municipalities: reference.municipalitiesOf(recorded.county).map((m) => m.code),
    items: recorded.inputs.supply.map(({ item, packSize }) => ({ item, packSize })),
    asOf: new Date(recorded.inputs.asOf),
    position: BigInt(recorded.inputs.position),
    // Only sizes the reads: what is read is decided by the position, and compared with this after.
    recorded: recorded.inputs.streams,
  });
  const rebuilt = buildRoundInputs(
    {
      municipalities: reference.municipalitiesOf(recorded.county).map((m) => m.code),
      items: recorded.inputs.supply.map(({ item, packSize }) => ({ item, packSize })),
      asOf: new Date(recorded.inputs.asOf),
    },
    facts,
  );
  const inputsDiff = diffInputs(recorded.inputs, { ...rebuilt, streams });
  const policy = policyFor(recorded.policy.name, recorded.policy.version);
  const outputsDiff = diffOutputs(recorded.outputs, policy.allocate(rebuilt, policy.parameters(recorded.parameters)));
  return {
    allocationId,
    county: recorded.county,
    warehouseId: recorded.warehouseId,
    status: round.status,
    policy: policyId(recorded.policy),
    parameters: recorded.parameters,
    position: recorded.inputs.position,
    asOf: recorded.inputs.asOf,
    inputsReproduced: inputsDiff.length === 0,
    outputsReproduced: outputsDiff.length === 0,
    diff: [...inputsDiff, ...outputsDiff],
    read: {
      streams: [{ streamId: allocationStream(allocationId), revision: String(round.events - 1) }, ...streams],
      // Revisions count from 0 and have no gaps: a stream read up to revision r gave r + 1 events.
      events: round.events + streams.reduce((sum, s) => sum + Number(s.revision) + 1, 0),
    },
  };
};

export interface WhatIfReport {
  readonly allocationId: string;
  readonly recorded: { readonly policy: string; readonly parameters: Record<string, unknown> };
  readonly whatIf: { readonly policy: string; readonly parameters: Record<string, unknown> };
  readonly outputs: PolicyOutput;
  readonly lines: ReturnType<typeof compareLines>;
  readonly items: readonly { readonly item: string; readonly recordedAllocated: number; readonly whatIfAllocated: number; readonly recordedUnmet: number; readonly whatIfUnmet: number }[];
}

/**
 * The recorded inputs under another policy version or other parameters. Parameters not given are
 * the recorded ones when the policy is the recorded one, else the other policy's defaults.
 */
export const whatIf = (
  proposal: Pick<AllocationProposedData, 'allocationId' | 'policy' | 'parameters' | 'outputs'> & { readonly inputs: Pick<RoundInputsData, 'supply' | 'municipalities'> },
  request: { readonly policy?: string; readonly parameters?: Record<string, unknown> },
): WhatIfReport => {
  // Whichever policy it is, its parameters are named values: read them as such, not as any.
  const policy = (request.policy === undefined ? policyFor(proposal.policy.name, proposal.policy.version) : parsePolicy(request.policy)) as AllocationPolicy<Record<string, unknown>>;
  const samePolicy = policyId(policy) === policyId(proposal.policy);
  for (const name of Object.keys(request.parameters ?? {})) {
    if (!(name in policy.defaults)) {
      throw new DomainError('ALLOCATION.UNKNOWN_PARAMETER', `${policyId(policy)} has no parameter ${name}`, 'invalid', { field: `parameters.${name}` });
    }
  }
  const parameters = policy.parameters({ ...(samePolicy ? proposal.parameters : policy.defaults), ...request.parameters });
  const outputs = policy.allocate(proposal.inputs, parameters);
  const recordedItems = new Map(proposal.outputs.items.map((i) => [i.item, i]));
  return {
    allocationId: proposal.allocationId,
    recorded: { policy: policyId(proposal.policy), parameters: proposal.parameters },
    whatIf: { policy: policyId(policy), parameters },
    outputs,
    lines: compareLines(proposal.outputs, outputs),
    items: outputs.items.map((i) => ({
      item: i.item,
      recordedAllocated: recordedItems.get(i.item)?.allocated ?? 0,
      whatIfAllocated: i.allocated,
      recordedUnmet: recordedItems.get(i.item)?.unmet ?? 0,
      whatIfUnmet: i.unmet,
    })),
  };
};
