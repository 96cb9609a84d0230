import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { InvalidEventError } from '../event-store/errors.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { defineEvent } from '../shared/event-definition.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import { decodeAll } from './apply-batch.js';

const counted = defineEvent({
  type: 'TestCounted',
  schemaVersion: 2,
  schema: z.strictObject({ item: z.string(), quantity: z.number().int() }),
  upcasters: { 1: (v1) => ({ item: (v1 as { item: string }).item, quantity: (v1 as { qty: number }).qty }) },
});

const recorded = (data: unknown, position: bigint): RecordedEvent => ({
  streamId: 'warehouse-01',
  revision: position - 1n,
  position,
  checkpoint: position.toString(),
  type: 'TestCounted',
  data,
  metadata: {
    eventId: `e-${position}`,
    correlationId: 'c',
    causationId: 'c',
    actor: 'u',
    role: 'warehouse',
    occurredAt: '2026-03-02T07:30:00.000Z',
    schemaVersion: 1,
  },
  recordedAt: new Date(),
});

/** A page reaches several projections as the same objects: each is upcast and checked once. */
describe('decoding a page for several projections', () => {
  it('decodes each recorded event once, and hands every projection the same decoded event', () => {
    const registry = new EventRegistry().register(counted);
    let decodes = 0;
    const decode = registry.decode.bind(registry);
    registry.decode = ((event: RecordedEvent) => (decodes++, decode(event))) as typeof registry.decode;
    const page = [recorded({ item: 'FFP2', qty: 5 }, 1n), recorded({ item: 'GOWN-LS', qty: 2 }, 2n)];
    const first = decodeAll(registry, page);
    const second = decodeAll(registry, page.slice(1));
    expect(first.map((e) => e.data)).toEqual([
      { item: 'FFP2', quantity: 5 },
      { item: 'GOWN-LS', quantity: 2 },
    ]);
    expect(second[0]).toBe(first[1]);
    expect(decodes).toBe(2);
    // Another copy of the same fact (read again) is decoded again.
    decodeAll(registry, [recorded({ item: 'FFP2', qty: 5 }, 1n)]);
    expect(decodes).toBe(3);
  });

  it('does not keep a failure: every projection meets it', () => {
    const registry = new EventRegistry().register(counted);
    const bad = recorded({ item: 'FFP2', qty: 1.5 }, 3n);
    expect(() => decodeAll(registry, [bad])).toThrow(InvalidEventError);
    expect(() => decodeAll(registry, [bad])).toThrow(InvalidEventError);
  });
});
