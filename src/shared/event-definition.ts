import type { z } from 'zod';

/** Migrates the data of one schema version to the next; registered under the version it reads. */
export type Upcaster = (data: unknown) => unknown;

/**
 * An event type as the domain declares it: its stable name, schema and upcasters. Plain data, so a
 * context's `domain/*.events.ts` declares its events without knowing the store that checks them
 * (the EventRegistry).
 */
export interface EventTypeDefinition<Type extends string = string, Data = unknown> {
  /** Stable name written to the log. Never renamed, never derived from a class name. */
  readonly type: Type;
  /** The version `schema` describes; events written now carry it in their metadata. */
  readonly schemaVersion: number;
  readonly schema: z.ZodType<Data>;
  /** `upcasters[v]` turns version v into v + 1. Every version below `schemaVersion` needs one. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

export const defineEvent = <Type extends string, Data>(definition: EventTypeDefinition<Type, Data>): EventTypeDefinition<Type, Data> => definition;
