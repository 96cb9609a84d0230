import { Inject, Injectable, Logger } from '@nestjs/common';
import { eventIdFor } from '../event-store/event-ids.js';
import { EventRegistry } from '../event-store/event-registry.js';
import { EVENT_STORE, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent } from '../event-store/event-store.js';
import { rememberAtMost } from '../shared/bounded-map.js';
import type { DomainEvent } from '../shared/decider.js';
import type { Projection } from './projection.js';
import { ProjectionsService } from './projections.service.js';

const PERFORMED_EARLY_KEPT = 10_000;

/** What a reaction is handed: an event and where it was written. */
export type SourceEvent = Pick<RecordedEvent, 'streamId' | 'type' | 'data' | 'metadata'>;

export interface ReactionEffect {
  readonly streamId: string;
  readonly events: readonly DomainEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/**
 * A consequence of an event in another stream (goods received against a purchase enter the
 * warehouse; a dispatch opens its delivery). `react` is pure. Its events get ids derived from the
 * source event, so running a reaction twice — once straight after the command, once from the log —
 * writes once.
 */
export interface Reaction {
  readonly name: string;
  readonly eventTypes: readonly string[];
  react(event: SourceEvent): ReactionEffect[];
}

/**
 * Runs reactions from the log, with checkpoints like a projection (at least once; the derived event
 * ids make it exactly once in effect), and lets command handlers run them at once after their own
 * append so a client sees the consequence straight away. If that eager run fails, the log-driven
 * run catches up.
 */
@Injectable()
export class ReactionsService {
  private readonly logger = new Logger('reactions');
  private readonly reactions: Reaction[] = [];
  /**
   * Source events whose reactions this process ran right after their command, by reaction and
   * event id: the log-driven run skips them once instead of appending their effect again (it would
   * write nothing: the ids are the same, but the append is still a round trip). The oldest go first.
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
            eventId: eventIdFor(source.metadata.eventId, effect.streamId, index),
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
      await this.store.appendToStream(effect.streamId, events, { expectedRevision: effect.expectedRevision });
    }
  }
}
