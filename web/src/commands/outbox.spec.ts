import { describe, expect, it } from '@jest/globals';
import { addToOutbox, deliveryOf, discardFromOutbox, flushOutbox, type Delivery, type OutboxEntry, type OutboxStorage } from './outbox.js';

const memory = (): OutboxStorage & { entries: OutboxEntry[] } => {
  const store = {
    entries: [] as OutboxEntry[],
    load: () => store.entries.map((e) => ({ ...e })),
    save: (entries: OutboxEntry[]) => {
      store.entries = entries;
    },
  };
  return store;
};

const entry = (key: string, owner = 'anna') => ({ key, owner, path: `/api/x/${key}`, body: { n: key }, label: `Rapport ${key}` });

describe('the outbox', () => {
  it('sends waiting entries oldest first with their own keys, and forgets each once recorded', async () => {
    const storage = memory();
    addToOutbox(storage, entry('k1'));
    addToOutbox(storage, entry('k2'));
    const sent: string[] = [];
    const result = await flushOutbox(storage, 'anna', async (e) => {
      sent.push(e.key);
      return { kind: 'recorded', body: { position: '7' } };
    });
    expect(sent).toEqual(['k1', 'k2']);
    expect(result.recorded.map((r) => r.entry.key)).toEqual(['k1', 'k2']);
    expect(storage.entries).toEqual([]);
  });

  it('stops at the first uncertain outcome and keeps everything from there, to send again with the same key', async () => {
    const storage = memory();
    ['k1', 'k2', 'k3'].forEach((k) => addToOutbox(storage, entry(k)));
    const outcomes: Delivery[] = [{ kind: 'recorded', body: {} }, { kind: 'uncertain' }];
    const sent: string[] = [];
    const result = await flushOutbox(storage, 'anna', async (e) => {
      sent.push(e.key);
      return outcomes.shift()!;
    });
    expect(sent).toEqual(['k1', 'k2']);
    expect(result.stillWaiting).toBe(2);
    expect(storage.entries.map((e) => [e.key, e.state])).toEqual([
      ['k2', 'waiting'],
      ['k3', 'waiting'],
    ]);
  });

  it('marks a refused entry with the service’s reason, never sends it again, and lets its user discard it', async () => {
    const storage = memory();
    addToOutbox(storage, entry('k1'));
    const problem = { code: 'WAREHOUSE.INSUFFICIENT_STOCK', detail: 'för lite i lager' };
    await flushOutbox(storage, 'anna', async () => ({ kind: 'refused', status: 409, problem }));
    expect(storage.entries).toEqual([expect.objectContaining({ key: 'k1', state: 'refused', problem })]);
    let calls = 0;
    await flushOutbox(storage, 'anna', async () => {
      calls++;
      return { kind: 'recorded', body: {} };
    });
    expect(calls).toBe(0);
    discardFromOutbox(storage, 'k1');
    expect(storage.entries).toEqual([]);
  });

  it('sends only its own user’s entries', async () => {
    const storage = memory();
    addToOutbox(storage, entry('mine', 'anna'));
    addToOutbox(storage, entry('theirs', 'bertil'));
    const sent: string[] = [];
    await flushOutbox(storage, 'anna', async (e) => {
      sent.push(e.key);
      return { kind: 'recorded', body: {} };
    });
    expect(sent).toEqual(['mine']);
    expect(storage.entries.map((e) => e.key)).toEqual(['theirs']);
  });

  it('counts 5xx, 408 and 429 as uncertain, other 4xx as refused', () => {
    expect([201, 503, 502, 408, 429, 400, 409, 422].map((s) => deliveryOf(s, null).kind)).toEqual([
      'recorded',
      'uncertain',
      'uncertain',
      'uncertain',
      'uncertain',
      'refused',
      'refused',
      'refused',
    ]);
  });
});
