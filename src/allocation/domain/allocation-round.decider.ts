import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { AllocationApprovedData, AllocationEvent, AllocationProposedData, RoundInputsData, RoundOutputsData } from './allocation.events.js';
import { policyFor } from './policies/registry.js';

export interface Amendment {
  readonly municipality: string;
  readonly item: string;
  readonly quantity: number;
  readonly reason: string;
}

export type AllocationCommand =
  | {
      readonly type: 'ProposeAllocation';
      readonly allocationId: string;
      readonly county: string;
      readonly warehouseId: string;
      readonly policy: { readonly name: string; readonly version: number };
      /** As the caller gave them; the policy completes them with its defaults and checks them. */
      readonly parameters: Readonly<Record<string, number | boolean>>;
      readonly inputs: RoundInputsData;
    }
  | {
      readonly type: 'ApproveAllocation';
      readonly decidedBy: readonly string[];
      readonly note: string;
      readonly amendments: readonly Amendment[];
      /** When the meeting decided (business time). */
      readonly decidedAt: string;
      /**
       * What the warehouse could still set aside now, per item (on hand less what other allocations
       * hold): the recorded inputs may be days old, and a plan the shelves cannot cover is no plan.
       */
      readonly warehouseAvailable: Readonly<Record<string, number>>;
    }
  | {
      readonly type: 'RejectAllocation';
      readonly decidedBy: readonly string[];
      readonly note: string;
      readonly decidedAt: string;
    };

/** What a decision needs of the proposal. */
export interface Proposal {
  readonly allocationId: string;
  readonly county: string;
  readonly warehouseId: string;
  readonly asOf: string;
  readonly supply: RoundInputsData['supply'];
  readonly municipalities: readonly string[];
  readonly lines: RoundOutputsData['lines'];
}

export type AllocationRoundState =
  | { readonly status: 'none' }
  | { readonly status: 'proposed'; readonly proposal: Proposal }
  | { readonly status: 'approved'; readonly proposal: Proposal; readonly plan: AllocationApprovedData['plan'] }
  | { readonly status: 'rejected'; readonly proposal: Proposal };

const lineKey = (municipality: string, item: string): string => `${municipality}\u0000${item}`;

const byMunicipalityThenItem = (a: { municipality: string; item: string }, b: { municipality: string; item: string }): number =>
  a.municipality < b.municipality ? -1 : a.municipality > b.municipality ? 1 : a.item < b.item ? -1 : a.item > b.item ? 1 : 0;

const propose = (command: Extract<AllocationCommand, { type: 'ProposeAllocation' }>, state: AllocationRoundState): AllocationEvent[] => {
  if (state.status !== 'none') {
    throw new DomainError('ALLOCATION.ALREADY_PROPOSED', `allocation round ${command.allocationId} exists already`, 'rule', {
      allocationId: command.allocationId,
    });
  }
  const policy = policyFor(command.policy.name, command.policy.version);
  const parameters = policy.parameters(command.parameters) as Record<string, number | boolean>;
  const outputs = policy.allocate({ supply: command.inputs.supply, municipalities: command.inputs.municipalities }, parameters);
  const data: AllocationProposedData = {
    allocationId: command.allocationId,
    county: command.county,
    warehouseId: command.warehouseId,
    policy: { name: policy.name, version: policy.version },
    parameters: { ...parameters },
    inputs: command.inputs,
    outputs: { lines: outputs.lines.map((l) => ({ ...l })), items: outputs.items.map((i) => ({ ...i })) },
  };
  return [{ type: 'AllocationProposed', data }];
};

/** Refuses a decision on a round that does not exist or was decided already; answers the proposal. */
const undecided = (state: AllocationRoundState): Proposal => {
  switch (state.status) {
    case 'none':
      throw new DomainError('ALLOCATION.NOT_FOUND', 'no such allocation round', 'not-found');
    case 'approved':
    case 'rejected':
      throw new DomainError(
        'ALLOCATION.ALREADY_DECIDED',
        `allocation round ${state.proposal.allocationId} was ${state.status} already; a round is decided once`,
        'rule',
        { allocationId: state.proposal.allocationId, status: state.status },
      );
    case 'proposed':
      return state.proposal;
    default: {
      const unexpected: never = state;
      throw new Error(`unknown state ${JSON.stringify(unexpected)}`);
    }
  }
};

/** A meeting cannot decide on a proposal before it was made. */
const assertDecidedAfterProposal = (decidedAt: string, proposal: Proposal): void => {
  if (new Date(decidedAt).getTime() < new Date(proposal.asOf).getTime()) {
    throw new DomainError('ALLOCATION.DECIDED_BEFORE_PROPOSAL', `decidedAt ${decidedAt} is before the proposal (${proposal.asOf})`, 'invalid', {
      field: 'decidedAt',
    });
  }
};

/**
 * Each amendment changes one line of the proposal, or adds one for a municipality and item the
 * policy was given inputs for; a line is amended once.
 */
const checkedAmendments = (amendments: readonly Amendment[], proposal: Proposal, proposed: ReadonlyMap<string, number>) => {
  const seen = new Set<string>();
  const items = new Set(proposal.supply.map((s) => s.item));
  const municipalities = new Set(proposal.municipalities);
  return amendments.map((a, i) => {
    const key = lineKey(a.municipality, a.item);
    if (seen.has(key)) {
      throw new DomainError('ALLOCATION.DUPLICATE_AMENDMENT', `${a.municipality} ${a.item} is amended twice`, 'invalid', {
        field: `amendments[${i}]`,
      });
    }
    seen.add(key);
    if (!proposed.has(key)) {
      const field = !items.has(a.item) ? 'item' : !municipalities.has(a.municipality) ? 'municipality' : undefined;
      if (field !== undefined) {
        throw new DomainError(
          'ALLOCATION.AMENDMENT_OUTSIDE_ROUND',
          `the round has no ${field === 'item' ? `item ${a.item}` : `inputs for municipality ${a.municipality}`} to amend`,
          'rule',
          { field: `amendments[${i}].${field}`, municipality: a.municipality, item: a.item },
        );
      }
    }
    return { municipality: a.municipality, item: a.item, proposed: proposed.get(key) ?? 0, approved: a.quantity, reason: a.reason };
  });
};

const approve = (command: Extract<AllocationCommand, { type: 'ApproveAllocation' }>, state: AllocationRoundState): AllocationEvent[] => {
  const proposal = undecided(state);
  assertDecidedAfterProposal(command.decidedAt, proposal);
  const proposed = new Map(proposal.lines.map((l) => [lineKey(l.municipality, l.item), l.quantity]));
  const amendments = checkedAmendments(command.amendments, proposal, proposed);

  const approved = new Map(proposal.lines.map((l) => [lineKey(l.municipality, l.item), { municipality: l.municipality, item: l.item, quantity: l.quantity }]));
  for (const a of amendments) approved.set(lineKey(a.municipality, a.item), { municipality: a.municipality, item: a.item, quantity: a.approved });

  for (const { item, available } of proposal.supply) {
    const total = [...approved.values()].filter((l) => l.item === item).reduce((sum, l) => sum + l.quantity, 0);
    // Only an amendment can break the limit: the policy never allocates beyond what is available.
    const lastAmendment = amendments
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.item === item)
      .pop();
    if (total > available) {
      throw new DomainError('ALLOCATION.OVER_AVAILABLE', `${total} of ${item} approved, but the round had ${available} available`, 'rule', {
        field: lastAmendment ? `amendments[${lastAmendment.i}].quantity` : 'amendments',
        item,
        approved: total,
        available,
      });
    }
    const now = command.warehouseAvailable[item] ?? 0;
    if (total > now) {
      throw new DomainError(
        'ALLOCATION.STOCK_NO_LONGER_AVAILABLE',
        `${total} of ${item} approved, but the warehouse can set aside only ${now} now; amend the plan`,
        'rule',
        { field: lastAmendment ? `amendments[${lastAmendment.i}].quantity` : 'amendments', item, approved: total, available: now },
      );
    }
  }

  const data: AllocationApprovedData = {
    allocationId: proposal.allocationId,
    county: proposal.county,
    warehouseId: proposal.warehouseId,
    decidedBy: [...command.decidedBy],
    note: command.note,
    amendments,
    plan: [...approved.values()].filter((l) => l.quantity > 0).sort(byMunicipalityThenItem),
  };
  return [{ type: 'AllocationApproved', data }];
};

const reject = (command: Extract<AllocationCommand, { type: 'RejectAllocation' }>, state: AllocationRoundState): AllocationEvent[] => {
  const proposal = undecided(state);
  assertDecidedAfterProposal(command.decidedAt, proposal);
  return [
    {
      type: 'AllocationRejected',
      data: { allocationId: proposal.allocationId, county: proposal.county, decidedBy: [...command.decidedBy], note: command.note },
    },
  ];
};

/**
 * An allocation round, `allocation-{id}`: proposed once, from inputs read at one log position and a
 * named policy version; then approved (possibly amended, each change with its reason) or rejected,
 * once. The proposal's outputs are computed here, from the inputs the event records, so a recorded
 * proposal always follows from its inputs.
 */
export const allocationRoundDecider: Decider<AllocationCommand, AllocationRoundState, AllocationEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'AllocationProposed': {
        const d = event.data;
        return {
          status: 'proposed',
          proposal: {
            allocationId: d.allocationId,
            county: d.county,
            warehouseId: d.warehouseId,
            asOf: d.inputs.asOf,
            supply: d.inputs.supply,
            municipalities: d.inputs.municipalities.map((m) => m.municipality),
            lines: d.outputs.lines,
          },
        };
      }
      case 'AllocationApproved':
        return state.status === 'none' ? state : { status: 'approved', proposal: state.proposal, plan: event.data.plan };
      case 'AllocationRejected':
        return state.status === 'none' ? state : { status: 'rejected', proposal: state.proposal };
      default: {
        const unexpected: never = event;
        throw new Error(`unknown event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ProposeAllocation':
        return propose(command, state);
      case 'ApproveAllocation':
        return approve(command, state);
      case 'RejectAllocation':
        return reject(command, state);
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
