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
 * with the command.
 */
export interface Decider<Command, State, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}
