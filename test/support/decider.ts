import { expect } from '@jest/globals';
import type { Decider, DomainEvent } from '../../src/shared/decider.js';
import { DomainError } from '../../src/shared/domain-error.js';

/** The DomainError `act` throws; fails the test when it throws nothing or something else. */
export const refusal = (act: () => unknown): DomainError => {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

/**
 * Given/when/then for a decider: `given(events)` folds them, `when(events, command)` decides on
 * that state, `thenRefused(events, command, code)` expects a DomainError with that code.
 */
export const deciderSpec = <Command, State, Event extends DomainEvent>(decider: Decider<Command, State, Event>) => {
  const given = (events: readonly Event[]): State => events.reduce(decider.evolve, decider.initialState());
  const when = (events: readonly Event[], command: Command): Event[] => decider.decide(command, given(events));
  const thenRefused = (events: readonly Event[], command: Command, code: string): DomainError => {
    const error = refusal(() => when(events, command));
    expect(error.code).toBe(code);
    return error;
  };
  return { given, when, thenRefused };
};
