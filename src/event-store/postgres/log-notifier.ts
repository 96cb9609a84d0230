import { randomUUID } from 'node:crypto';
import pg from 'pg';

export const LOG_CHANNEL = 'ppe_event_log';

/**
 * Wakes subscribers when the log grows.
 *
 * Appends in this process wake local subscribers at once. Other processes on the same database
 * learn through LISTEN/NOTIFY. The NOTIFY is sent after the append has committed, outside its
 * transaction, and coalesced: a NOTIFY inside the append would take PostgreSQL's global notify
 * lock at commit and serialise every append. Subscribers also poll, so a lost notification (or a
 * LISTEN connection that is down) only costs latency.
 */
export class LogNotifier {
  private generation = 0;
  private waiters = new Set<() => void>();
  private listener?: pg.Client;
  private notifyInFlight = false;
  private notifyAgain = false;
  private closed = false;
  private readonly instanceId = randomUUID();

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectListener: () => pg.Client,
  ) {}

  /** Monotonic count of wake-ups; compare before and after a read to avoid lost wake-ups. */
  get current(): number {
    return this.generation;
  }

  async start(): Promise<void> {
    await this.listen();
  }

  /** Resolves on the next wake-up after `seen`, or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number): Promise<void> {
    if (this.generation !== seen || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Called after a local append committed. */
  appended(): void {
    this.wake();
    if (this.closed) return;
    // At most one NOTIFY in flight; appends meanwhile are covered by one more when it returns.
    if (this.notifyInFlight) {
      this.notifyAgain = true;
      return;
    }
    this.notifyInFlight = true;
    this.pool
      .query('SELECT pg_notify($1, $2)', [LOG_CHANNEL, this.instanceId])
      .catch(() => {
        // Other processes fall back to polling.
      })
      .finally(() => {
        this.notifyInFlight = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.appended();
        }
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private wake(): void {
    this.generation++;
    for (const waiter of [...this.waiters]) waiter();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = this.connectListener();
    client.on('notification', (message) => {
      if (message.payload !== this.instanceId) this.wake();
    });
    client.on('error', () => {
      // The connection is gone (database restart, network). Reconnect in the background;
      // meanwhile subscribers poll.
      if (this.listener === client) this.listener = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LOG_CHANNEL}`);
      this.listener = client;
      if (this.closed) await client.end();
    } catch {
      await client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    }
  }
}
