import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent } from '../shared/decider.js';
import { type CommandResult, handleCommand, type HandleCommandOptions } from './command-handling.js';
import { EventRegistry } from './event-registry.js';
import { EVENT_STORE, type EventStore } from './event-store.js';

/**
 * `handleCommand` bound once to the service's event store and registry, so a command handler
 * injects this and names only its stream, decider, command and context. Same semantics as
 * `handleCommand` (load, decide, append at the revision read, retry on a conflict, recognise an
 * earlier attempt of a keyed request), which tests and benchmarks still call directly.
 */
@Injectable()
export class CommandHandling {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  handle<Command, State, Event extends DomainEvent>(
    options: Omit<HandleCommandOptions<Command, State, Event>, 'store' | 'registry'>,
  ): Promise<CommandResult<Event>> {
    return handleCommand({ ...options, store: this.store, registry: this.registry });
  }
}
