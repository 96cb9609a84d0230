import { type EventFilter, type LogPosition, MAX_LOG_POSITION, type RecordedEvent } from '../event-store.js';

export interface TailPage {
  readonly events: RecordedEvent[];
  readonly visibleHead: LogPosition;
  readonly heldBack: boolean;
}

/** How recently a read of the tail may be shared with a caller woken by the same wake-up. */
const SHARE_MS = 5;

const matches = (filter: EventFilter | undefined, event: RecordedEvent): boolean =>
  (!filter?.eventTypes || filter.eventTypes.includes(event.type)) &&
  (!filter?.streamPrefixes || filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)));

/**
 * The end of the log, read once for all of this process's live subscriptions. Every append wakes
 * every subscription (a dozen projection runners and reactions); each reading the log for itself
 * would be a dozen identical queries per append. Subscriptions at the end of the log take their
 * events from here, filtered in memory; those further behind (catching up) read for themselves.
 *
 * It keeps the last `capacity` final events, complete after `start`. A read is shared by callers
 * woken by the same wake-up (`generation`) within a few milliseconds of it; a caller that comes
 * back on its poll timeout, or to look again for events held back, gets a fresh read.
 */
export class LiveTail {
  private start?: LogPosition;
  private position = 0n;
  private heldBack = false;
  private recent: RecordedEvent[] = [];
  private reading?: { generation: number; done: Promise<void> };
  private last = { generation: -1, at: 0 };
  /** Moved by `forget()`: a read that began before it keeps nothing it read. */
  private epoch = 0;

  constructor(
    /** One page of final events after `after`, as the store reads it (unfiltered). */
    private readonly readPage: (after: LogPosition, limit: number) => Promise<TailPage>,
    private readonly capacity = 5000,
    private readonly pageSize = 1000,
  ) {}

  /**
   * Drops every event held: the log was found to end before them (restored to an older state), so
   * they may be events it no longer has. The next read starts again from the log's end.
   */
  forget(): void {
    this.epoch++;
    this.start = undefined;
    this.recent = [];
    this.position = 0n;
  }

  /**
   * Up to `limit` events after `after` that pass `filter`, when the tail holds everything after
   * `after`; undefined when it does not (the caller then reads the log itself).
   */
  async page(after: LogPosition, filter: EventFilter | undefined, limit: number, generation: number): Promise<TailPage | undefined> {
    await this.refresh(generation);
    if (this.start === undefined || after < this.start) return undefined;
    const events: RecordedEvent[] = [];
    for (let i = this.firstAfter(after); i < this.recent.length && events.length < limit; i++) {
      if (matches(filter, this.recent[i]!)) events.push(this.recent[i]!);
    }
    return { events, visibleHead: this.position, heldBack: this.heldBack };
  }

  private async refresh(generation: number): Promise<void> {
    for (;;) {
      const reading = this.reading;
      if (reading && reading.generation >= generation) return reading.done;
      if (reading) {
        await reading.done.catch(() => undefined);
        continue;
      }
      if (this.last.generation >= generation && !this.heldBack && Date.now() - this.last.at < SHARE_MS) return;
      const started = { generation, at: Date.now() };
      const done = this.read().finally(() => {
        this.reading = undefined;
      });
      this.reading = { generation, done };
      await done;
      this.last = started;
      return;
    }
  }

  private async read(): Promise<void> {
    for (;;) {
      const epoch = this.epoch;
      if (this.start === undefined) {
        // The first read only finds where the end is (nothing is after the largest position);
        // subscriptions behind it read for themselves.
        const head = await this.readPage(MAX_LOG_POSITION, this.pageSize);
        if (epoch !== this.epoch) continue;
        this.start = this.position = head.visibleHead;
        this.heldBack = head.heldBack;
        return;
      }
      const page = await this.readPage(this.position, this.pageSize);
      if (epoch !== this.epoch) continue;
      if (page.visibleHead < this.position) {
        // The log ends before what this tail holds: it was restored to an older state.
        this.forget();
        continue;
      }
      this.recent.push(...page.events);
      if (page.events.length > 0) this.position = page.events[page.events.length - 1]!.position;
      if (this.recent.length > this.capacity) {
        const dropped = this.recent.splice(0, this.recent.length - this.capacity);
        this.start = dropped[dropped.length - 1]!.position;
      }
      if (page.events.length === this.pageSize) continue;
      if (page.visibleHead > this.position) this.position = page.visibleHead;
      this.heldBack = page.heldBack;
      return;
    }
  }

  /** Index of the first held event after `after` (binary search: positions ascend). */
  private firstAfter(after: LogPosition): number {
    let lo = 0;
    let hi = this.recent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.recent[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
