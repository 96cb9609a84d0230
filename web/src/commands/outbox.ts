/**
 * The outbox: commands a form could not get recorded, kept in this browser until they are.
 *
 * A command that meets no network, or an answer that never comes, or the service saying it is
 * unavailable or does not know whether the write landed (503), stays here with its Idempotency-Key
 * and is sent again — with the same key — when the connection returns. The service records a
 * keyed command once however many times it arrives, so the report is recorded once. A refusal
 * (any 4xx) is not retried: it stays, marked refused with the service's reason, until its user
 * discards it. Entries belong to the user who made them; another user in the same browser never
 * sends them.
 *
 * This module is plain logic over a storage and a sender, so its rules are tested without a browser
 * (outbox.spec.ts); `useOutbox` wires it to localStorage and fetch.
 */
export interface OutboxEntry {
  /** The Idempotency-Key: one per submitted form, the same on every attempt. */
  readonly key: string;
  /** The token subject of the user who submitted it. */
  readonly owner: string;
  readonly path: string;
  readonly body: unknown;
  /** What the user would call it: "Lägesrapport v. 49, Vallentuna". */
  readonly label: string;
  readonly queuedAt: string;
  readonly state: 'waiting' | 'refused';
  /** For a refused entry: the service's problem details. */
  readonly problem?: unknown;
}

export interface OutboxStorage {
  load(): OutboxEntry[];
  save(entries: OutboxEntry[]): void;
}

/** What sending one entry came to. */
export type Delivery =
  | { readonly kind: 'recorded'; readonly body: unknown }
  | { readonly kind: 'refused'; readonly status: number; readonly problem: unknown }
  /** No network, no answer, or 5xx: try again later with the same key. */
  | { readonly kind: 'uncertain' };

export type Sender = (entry: OutboxEntry) => Promise<Delivery>;

export const addToOutbox = (storage: OutboxStorage, entry: Omit<OutboxEntry, 'state' | 'queuedAt'>, now = new Date()): void => {
  const entries = storage.load().filter((existing) => existing.key !== entry.key);
  storage.save([...entries, { ...entry, state: 'waiting', queuedAt: now.toISOString() }]);
};

export const discardFromOutbox = (storage: OutboxStorage, key: string): void => storage.save(storage.load().filter((entry) => entry.key !== key));

export interface FlushResult {
  readonly recorded: { entry: OutboxEntry; body: unknown }[];
  readonly refused: OutboxEntry[];
  readonly stillWaiting: number;
}

/**
 * Sends the owner's waiting entries, oldest first, one at a time (a later report may depend on an
 * earlier one). Stops at the first uncertain outcome: the network is still down, and the rest would
 * only fail the same way.
 */
export const flushOutbox = async (storage: OutboxStorage, owner: string, send: Sender): Promise<FlushResult> => {
  const recorded: FlushResult['recorded'] = [];
  const refused: OutboxEntry[] = [];
  for (const entry of storage.load().filter((e) => e.owner === owner && e.state === 'waiting')) {
    const delivery = await send(entry);
    if (delivery.kind === 'uncertain') break;
    if (delivery.kind === 'recorded') {
      discardFromOutbox(storage, entry.key);
      recorded.push({ entry, body: delivery.body });
    } else {
      const marked: OutboxEntry = { ...entry, state: 'refused', problem: delivery.problem };
      storage.save(storage.load().map((e) => (e.key === entry.key ? marked : e)));
      refused.push(marked);
    }
  }
  return { recorded, refused, stillWaiting: storage.load().filter((e) => e.owner === owner && e.state === 'waiting').length };
};

/** How an HTTP outcome counts: 2xx recorded; 5xx, 408 and 429 uncertain (send again); any other 4xx refused. */
export const deliveryOf = (status: number, body: unknown): Delivery => {
  if (status >= 200 && status < 300) return { kind: 'recorded', body };
  if (status >= 500 || status === 408 || status === 429) return { kind: 'uncertain' };
  return { kind: 'refused', status, problem: body };
};

/** The outbox in localStorage: it outlives a closed tab or a restarted computer. */
export const localOutbox = (key = 'ppe-ledger.outbox'): OutboxStorage => ({
  load: () => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '[]') as OutboxEntry[];
    } catch {
      return [];
    }
  },
  save: (entries) => localStorage.setItem(key, JSON.stringify(entries)),
});
