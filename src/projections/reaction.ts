import { Inject, Injectable, Logger } from '@nestjs/common';
import { reactionEventId } from '../event-store/event-ids.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type NewEvent, type RecordedEvent } from '../event-store/event-store.js';
import { rememberAtMost } from '../shared/bounded-map.js';
import { appendUnlessRecorded } from '../event-store/command-handling.js';
import type { Decider, DomainEvent } from '../shared/decider.js';
import type { Projection } from './projection.js';
import { ProjectionsService } from './projections.service.js';

const PERFORMED_EARLY_KEPT = 10_000;

/** What a reaction is handed: an event and where it was written. */
export type SourceEvent = Pick<RecordedEvent, 'streamId' | 'type' | 'data' | 'metadata'>;

/**
 * How an effect is kept to once, whoever runs it how often (straight after the command and again
 * from the log, two instances, after a restart), on either store:
 *  - `opens-stream`: the events are the first of a new stream, appended expecting no stream. Every
 *    store recognises a repeat at that exact revision (same ids) and answers it without writing.
 *  - `unless-recorded`: the target stream's state, folded by its decider, says whether the effect is
 *    already there (the warehouse has this receipt); if not, it is appended at the exact revision
 *    read. Never an append at any revision trusting the store to drop a repeated id: EventStoreDB
 *    does that only from a bounded cache that a restart or failover empties.
 */
export type Once =
  | { readonly kind: 'opens-stream' }
  | {
      readonly kind: 'unless-recorded';
      readonly decider: Pick<Decider<never, unknown, DomainEvent>, 'initialState' | 'evolve'>;
      readonly recorded: (state: unknown) => boolean;
    };

/** `unless-recorded`, with the predicate typed by the decider's state. */
export const unlessRecorded = <State, Event extends DomainEvent>(
  decider: Pick<Decider<never, State, Event>, 'initialState' | 'evolve'>,
  recorded: (state: State) => boolean,
): Once => ({ kind: 'unless-recorded', decider, recorded }) as unknown as Once;

export interface ReactionEffect {
  readonly streamId: string;
  readonly events: readonly DomainEvent[];
  readonly once: Once;
}

/**
 * A consequence of an event in another stream (goods received against a purchase enter the
 * warehouse; a dispatch opens its delivery). `react` is pure. Its events get ids derived from the
 * source event, and each effect says how it is kept to once (see `Once`).
 */
export interface Reaction {
  readonly name: string;
  readonly eventTypes: readonly string[];
  react(event: SourceEvent): ReactionEffect[];
}

/**
 * Runs reactions from the log, with checkpoints like a projection (at least once; each effect's
 * `Once` makes it exactly once in effect), and lets command handlers run them at once after their own
 * append so a client sees the consequence straight away. If that eager run fails, the log-driven
 * run catches up.
 */
@Injectable()
export class ReactionsService {
  private readonly logger = new Logger('reactions');
  private readonly reactions: Reaction[] = [];
  /**
   * Source events whose reactions this process ran right after their command, by reaction and
   * event id: the log-driven run skips them once instead of looking again (it would write nothing,
   * but the look is still a round trip). The oldest go first.
   */
  private readonly performedEarly = new Map<string, true>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
    private readonly projections: ProjectionsService,
  ) {}

  register(reaction: Reaction): void {
    this.reactions.push(reaction);
    this.projections.register(this.asProjection(reaction));
  }

  /** Runs every reaction to events a command just wrote. Never throws: the log-driven run retries. */
  async afterCommand(streamId: string, events: readonly NewEvent[]): Promise<void> {
    for (const event of events) {
      for (const reaction of this.reactions.filter((r) => r.eventTypes.includes(event.type))) {
        try {
          await this.perform(reaction, { streamId, ...event });
          rememberAtMost(this.performedEarly, `${reaction.name}|${event.metadata.eventId}`, true, PERFORMED_EARLY_KEPT);
        } catch (error) {
          this.logger.warn({ err: error, reaction: reaction.name, eventId: event.metadata.eventId }, 'reaction deferred to the log');
        }
      }
    }
  }

  private asProjection(reaction: Reaction): Projection {
    return {
      name: `reaction:${reaction.name}`,
      version: 1,
      eventTypes: reaction.eventTypes,
      tables: [],
      rebuildable: false,
      apply: async (events) => {
        for (const event of events) {
          if (this.performedEarly.delete(`${reaction.name}|${event.metadata.eventId}`)) continue;
          await this.perform(reaction, event);
        }
      },
    };
  }

  private async perform(reaction: Reaction, source: SourceEvent): Promise<void> {
    for (const effect of reaction.react(source)) {
      const events = effect.events.map((event, index): NewEvent => {
        const recorded: NewEvent = {
          type: event.type,
          data: event.data,
          metadata: {
            eventId: reactionEventId(source.metadata.eventId, effect.streamId, index),
            correlationId: source.metadata.correlationId,
            causationId: source.metadata.eventId,
            actor: source.metadata.actor,
            ...(source.metadata.actorName ? { actorName: source.metadata.actorName } : {}),
            role: source.metadata.role,
            occurredAt: source.metadata.occurredAt,
            schemaVersion: this.registry.currentVersion(event.type),
          },
        };
        this.registry.checkForWrite(recorded);
        return recorded;
      });
      if (effect.once.kind === 'opens-stream') {
        await this.store.appendToStream(effect.streamId, events, { expectedRevision: 'no_stream' });
      } else {
        await appendUnlessRecorded({
          store: this.store,
          registry: this.registry,
          streamId: effect.streamId,
          decider: effect.once.decider,
          events,
          recorded: effect.once.recorded,
        });
      }
    }
  }
}
