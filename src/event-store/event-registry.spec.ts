import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { InvalidEventError } from './errors.js';
import { commandEventId, reactionEventId } from './event-ids.js';
import { defineEvent } from '../shared/event-definition.js';
import { EventRegistry } from './event-registry.js';
import type { NewEvent, RecordedEvent } from './event-store.js';

// An event type on its third version: v1 had `qty`, v2 renamed it `quantity`, v3 added `unit`.
const stockCounted = defineEvent({
  type: 'TestStockCounted',
  schemaVersion: 3,
  schema: z.strictObject({ item: z.string(), quantity: z.number().int().nonnegative(), unit: z.string() }),
  upcasters: {
    1: (data) => {
      const { qty, ...rest } = data as { qty: number };
      return { ...rest, quantity: qty };
    },
    2: (data) => ({ ...(data as object), unit: 'piece' }),
  },
});

const metadata = (schemaVersion: number) => ({
  eventId: '0b6f7a2e-4c1e-4f53-8f0e-0f3c8e4c2a11',
  correlationId: 'c',
  causationId: 'c',
  actor: 'u1',
  role: 'warehouse',
  occurredAt: '2026-03-02T07:30:00.000Z',
  schemaVersion,
});

const recorded = (data: unknown, schemaVersion: number): RecordedEvent => ({
  streamId: 'warehouse-01',
  revision: 0n,
  position: 1n,
  checkpoint: '1',
  type: 'TestStockCounted',
  data,
  metadata: metadata(schemaVersion),
  recordedAt: new Date(),
});

describe('event registry', () => {
  const registry = new EventRegistry().register(stockCounted);

  it('accepts an event that matches the current schema', () => {
    const event: NewEvent = { type: 'TestStockCounted', data: { item: 'FFP2', quantity: 5, unit: 'piece' }, metadata: metadata(3) };
    expect(() => registry.checkForWrite(event)).not.toThrow();
  });

  it('refuses to write bad data, bad metadata, an old version or an unknown type, naming what is wrong', () => {
    const bad = (event: Partial<NewEvent>) => () =>
      registry.checkForWrite({ type: 'TestStockCounted', data: { item: 'FFP2', quantity: 5, unit: 'piece' }, metadata: metadata(3), ...event });
    expect(bad({ data: { item: 'FFP2', quantity: -1, unit: 'piece' } })).toThrow(/data\.quantity/);
    expect(bad({ data: { item: 'FFP2', quantity: 1, unit: 'piece', extra: true } })).toThrow(InvalidEventError);
    expect(bad({ metadata: { ...metadata(3), occurredAt: 'yesterday' } })).toThrow(/metadata\.occurredAt/);
    expect(bad({ metadata: metadata(2) })).toThrow(/schemaVersion: 2 is not the current 3/);
    expect(bad({ type: 'Nope' })).toThrow(/unknown event type/);
  });

  it('upcasts every stored old version to the current shape on read', () => {
    // Fixtures as they were written by versions 1 and 2 of the code.
    const v1 = recorded({ item: 'FFP2', qty: 40 }, 1);
    const v2 = recorded({ item: 'FFP2', quantity: 40 }, 2);
    for (const old of [v1, v2]) {
      const current = registry.decode(old);
      expect(current.data).toEqual({ item: 'FFP2', quantity: 40, unit: 'piece' });
      expect(current.metadata.schemaVersion).toBe(3);
    }
  });

  it('refuses a recorded event that does not fit its schema after upcasting, or comes from the future', () => {
    expect(() => registry.decode(recorded({ item: 'FFP2' }, 3))).toThrow(InvalidEventError);
    expect(() => registry.decode(recorded({ item: 'FFP2', quantity: 1, unit: 'piece' }, 4))).toThrow(/newer than this code/);
  });

  it('refuses a definition whose old versions cannot be upcast, and a type registered twice', () => {
    expect(() => new EventRegistry().register(defineEvent({ type: 'Gap', schemaVersion: 2, schema: z.object({}) }))).toThrow(/no upcaster from version 1/);
    expect(() => new EventRegistry().register(stockCounted, stockCounted)).toThrow(/registered twice/);
  });
});

describe('event ids', () => {
  const seed = (actor: string, key: string, request = 'r1') => `${actor}\u0000${key}\u0000${request}`;
  it('are the same for the same caller, key, request, stream and index, and differ otherwise', () => {
    const id = commandEventId(seed('u1', 'key-1'), 'warehouse-01', 0);
    expect(commandEventId(seed('u1', 'key-1'), 'warehouse-01', 0)).toBe(id);
    expect(commandEventId(seed('u1', 'key-1'), 'warehouse-01', 1)).not.toBe(id);
    expect(commandEventId(seed('u1', 'key-2'), 'warehouse-01', 0)).not.toBe(id);
    expect(commandEventId(seed('u1', 'key-1'), 'warehouse-18', 0)).not.toBe(id);
    expect(commandEventId(seed('u2', 'key-1'), 'warehouse-01', 0)).not.toBe(id);
    expect(commandEventId(seed('u1', 'key-1', 'r2'), 'warehouse-01', 0)).not.toBe(id);
    expect(commandEventId(undefined, 'warehouse-01', 0)).not.toBe(commandEventId(undefined, 'warehouse-01', 0));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('of a reaction are derived as they always were, so logs written before still match', () => {
    // The id a reaction gave its StockReceived before the derivation was split in two.
    expect(reactionEventId('2f1d7a0c-5b7e-4e2a-9a0f-0c6b1d2e3f40', 'warehouse-01-central', 0)).toBe('92e53a59-88a5-59ba-ae0f-48966f0267a3');
    expect(reactionEventId('a', 'warehouse-01', 0)).not.toBe(reactionEventId('b', 'warehouse-01', 0));
  });
});
