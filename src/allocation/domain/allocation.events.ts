import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { countyCode, id, instant, itemCode, municipalityCode, positiveUnits, text, units, warehouseId } from '../../shared/schemas.js';

/** Stream: `allocation-{allocationId}`. */
export const allocationStream = (allocationId: string): string => `allocation-${allocationId}`;

const policyRef = z.strictObject({ name: z.string().regex(/^[a-z0-9-]{1,60}$/), version: z.number().int().positive() });

const supply = z.strictObject({ item: itemCode, available: units, packSize: positiveUnits });
const municipalityInput = z.strictObject({
  municipality: municipalityCode,
  infections: units,
  items: z.array(
    z.strictObject({
      item: itemCode,
      projectedStock: units,
      dailyUse: z.number().nonnegative().nullable(),
      requested: units,
    }),
  ),
});

/** Everything the policy was given, and where it came from in the log. */
export const roundInputs = z.strictObject({
  /** The log position the inputs were read at: nothing recorded after it was seen. */
  position: z.string().regex(/^\d{1,20}$/),
  /** The business time the stock was projected to. */
  asOf: instant,
  /** Every stream read, with its revision at `position`: what a replay reads again. */
  streams: z.array(z.strictObject({ streamId: z.string().min(1).max(200), revision: z.string().regex(/^-?\d{1,20}$/) })),
  supply: z.array(supply),
  municipalities: z.array(municipalityInput),
});
export type RoundInputsData = z.infer<typeof roundInputs>;

const allocationLine = z.strictObject({
  municipality: municipalityCode,
  item: itemCode,
  need: units,
  acute: z.boolean(),
  quantity: units,
  unmet: units,
});

export const roundOutputs = z.strictObject({
  lines: z.array(allocationLine),
  items: z.array(z.strictObject({ item: itemCode, available: units, allocated: units, unmet: units })),
});
export type RoundOutputsData = z.infer<typeof roundOutputs>;

const allocationProposed = z.strictObject({
  allocationId: id,
  county: countyCode,
  warehouseId,
  policy: policyRef,
  /** Every parameter the policy ran with, defaults included. */
  parameters: z.record(z.string(), z.union([z.number(), z.boolean()])),
  inputs: roundInputs,
  outputs: roundOutputs,
});

const planLine = z.strictObject({ municipality: municipalityCode, item: itemCode, quantity: positiveUnits });

const allocationApproved = z.strictObject({
  allocationId: id,
  county: countyCode,
  warehouseId,
  /** Who decided: the names of the logistics meeting's members (the actor records who entered it). */
  decidedBy: z.array(text(200)).min(1).max(30),
  note: text(2000),
  /** Each quantity the meeting changed, from the proposal's to its own, with the written reason. */
  amendments: z.array(z.strictObject({ municipality: municipalityCode, item: itemCode, proposed: units, approved: units, reason: text(1000) })),
  /** What is to be delivered: the proposal with the amendments applied (lines of zero left out). */
  plan: z.array(planLine),
});

const allocationRejected = z.strictObject({
  allocationId: id,
  county: countyCode,
  decidedBy: z.array(text(200)).min(1).max(30),
  note: text(2000),
});

export const AllocationProposed = defineEvent({ type: 'AllocationProposed', schemaVersion: 1, schema: allocationProposed });
export const AllocationApproved = defineEvent({ type: 'AllocationApproved', schemaVersion: 1, schema: allocationApproved });
export const AllocationRejected = defineEvent({ type: 'AllocationRejected', schemaVersion: 1, schema: allocationRejected });

export type AllocationProposedData = z.infer<typeof allocationProposed>;
export type AllocationApprovedData = z.infer<typeof allocationApproved>;
export type AllocationRejectedData = z.infer<typeof allocationRejected>;

export type AllocationEvent =
  | DomainEvent<'AllocationProposed', AllocationProposedData>
  | DomainEvent<'AllocationApproved', AllocationApprovedData>
  | DomainEvent<'AllocationRejected', AllocationRejectedData>;

export const ALLOCATION_EVENTS = [AllocationProposed, AllocationApproved, AllocationRejected];
