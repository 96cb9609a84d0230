/**
 * A domain event as deciders see it: a stable type name and its data. Metadata (who, when, why)
 * is added by the command handling around them.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * The pure core of an aggregate: `decide` answers a command with events (or throws a DomainError),
 * `evolve` folds an event into the state. No I/O, no clock, no randomness: time and ids come in
 * with the command. Plain function properties, not methods: they use no `this`, so they can be
 * handed on as they are (`events.reduce(decider.evolve, decider.initialState())`).
 */
export interface Decider<Command, State, Event extends DomainEvent> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => Event[];
}
