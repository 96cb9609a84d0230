import { z } from 'zod';
import { defineEvent } from '../../shared/event-definition.js';
import type { DomainEvent } from '../../shared/decider.js';
import { countyCode, id, itemCode, positiveUnits, text } from '../../shared/schemas.js';

/** Stream: `national-request-{requestId}`. */
export const nationalRequestStream = (requestId: string): string => `national-request-${requestId}`;

const nationalRequestRaised = z.strictObject({
  requestId: id,
  county: countyCode,
  /** The round whose unmet need this escalates, when it comes from one. */
  allocationId: id.optional(),
  lines: z
    .array(z.strictObject({ item: itemCode, quantity: positiveUnits }))
    .min(1)
    .max(100),
  note: text(2000).optional(),
});

const nationalRequestAnswered = z.strictObject({
  requestId: id,
  county: countyCode,
  outcome: z.enum(['granted', 'partly-granted', 'refused']),
  /** What the national board will send, per item (zero lines left out). */
  lines: z.array(z.strictObject({ item: itemCode, quantity: positiveUnits })).max(100),
  note: text(2000).optional(),
});

export const NationalRequestRaised = defineEvent({ type: 'NationalRequestRaised', schemaVersion: 1, schema: nationalRequestRaised });
export const NationalRequestAnswered = defineEvent({ type: 'NationalRequestAnswered', schemaVersion: 1, schema: nationalRequestAnswered });

export type NationalRequestRaisedData = z.infer<typeof nationalRequestRaised>;
export type NationalRequestAnsweredData = z.infer<typeof nationalRequestAnswered>;

export type NationalRequestEvent =
  DomainEvent<'NationalRequestRaised', NationalRequestRaisedData> | DomainEvent<'NationalRequestAnswered', NationalRequestAnsweredData>;

export const NATIONAL_REQUEST_EVENTS = [NationalRequestRaised, NationalRequestAnswered];
