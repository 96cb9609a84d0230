import type { LogBehindReadModelsError } from './errors.js';
import type { EventStore } from './event-store.js';

/**
 * Whether the log may take writes. Closed while the log is behind what the read models have seen
 * (whoever compares the two closes and opens it; the event store knows nothing of read models).
 */
export class AppendGate {
  private refusal?: LogBehindReadModelsError;
  private readonly closeListeners: (() => void)[] = [];

  /** Runs `listener` each time the gate closes (before any caller sees it closed). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Why appends are refused, or undefined while they are accepted. */
  get closedBecause(): LogBehindReadModelsError | undefined {
    return this.refusal;
  }

  close(because: LogBehindReadModelsError): void {
    for (const listener of this.closeListeners) listener();
    this.refusal = because;
  }

  open(): void {
    this.refusal = undefined;
  }

  /** Throws the reason appends are refused, if they are. */
  assertOpen(): void {
    if (this.refusal) throw this.refusal;
  }
}

/**
 * The store, with every append first passing the gate. Every write of the service (commands, the
 * reactions' derived events, the seeding tools) ends in `appendToStream`, so this is the one place
 * that no write path can go around; a guard on HTTP routes would miss the reactions.
 */
export const gateAppends = (store: EventStore, gate: AppendGate): EventStore =>
  new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') {
        return (...args: Parameters<EventStore['appendToStream']>) => {
          gate.assertOpen();
          return target.appendToStream(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the adapter itself (its private fields are not on the proxy).
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
