import pg from 'pg';

/**
 * Which instance runs a projection. Each projection is led by one instance at a time, holding a
 * PostgreSQL session advisory lock on a connection kept for the purpose; when that instance dies,
 * its connection closes, the lock is released, and another instance takes the projection over at
 * its next try. Correctness does not rest on the lease — two runners at once are kept apart by the
 * checkpoint compare-and-set — it keeps instances from doing the same work twice.
 */
export interface ProjectionLease {
  /** Tries to take the lease of `name`; true when this instance holds it (now or already). */
  tryAcquire(name: string): Promise<boolean>;
  /** Whether the lease is still held (false once the lease connection is gone). */
  holds(name: string): boolean;
  release(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Lock keys live in their own space (first key) so they never meet the store's stream locks. */
const LEASE_SPACE = 0x70706531; // "ppe1"

const keyOf = (name: string): number => {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.codePointAt(0)!) | 0;
  return hash;
};

export class AdvisoryLockLease implements ProjectionLease {
  private client?: pg.Client;
  private connecting?: Promise<pg.Client>;
  private readonly held = new Set<string>();
  private closed = false;
  /** The lease's one connection answers one statement at a time: the runners' calls take turns. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly connect: () => pg.Client) {}

  async tryAcquire(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const { rows } = await this.inTurn((client) => client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LEASE_SPACE, keyOf(name)]));
    if (rows[0]?.ok) this.held.add(name);
    return this.held.has(name);
  }

  holds(name: string): boolean {
    return this.held.has(name);
  }

  async release(name: string): Promise<void> {
    if (!this.held.delete(name) || !this.client) return;
    await this.inTurn((client) => client.query('SELECT pg_advisory_unlock($1, $2)', [LEASE_SPACE, keyOf(name)])).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The id of the lease connection's server process (tests cut it to simulate a dead instance). */
  async backendPid(): Promise<number> {
    const { rows } = await this.inTurn((client) => client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'));
    return rows[0]!.pid;
  }

  private inTurn<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const mine = this.turn.then(async () => work(await this.connection()));
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('lease closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = this.connect();
      const lost = () => {
        // The connection is gone, and with it every lock it held.
        if (this.client === client) this.client = undefined;
        this.held.clear();
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        this.client = client;
        return client;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}

/** For a single process that needs no coordination (tools, some tests). */
export class LocalLease implements ProjectionLease {
  private readonly held = new Set<string>();
  async tryAcquire(name: string) {
    this.held.add(name);
    return true;
  }
  holds(name: string) {
    return this.held.has(name);
  }
  async release(name: string) {
    this.held.delete(name);
  }
  async close() {
    this.held.clear();
  }
}
