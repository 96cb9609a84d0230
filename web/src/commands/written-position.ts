import { useSyncExternalStore } from 'react';

/**
 * Read your own write: the log position of the last thing this user recorded. Reads pass it as
 * `?waitFor=`, so the service answers only once its read model includes the write, and a page
 * shown after a form never misses what the form just recorded.
 */
let position: string | undefined;
const listeners = new Set<() => void>();

export const recordWrittenPosition = (next: string | undefined): void => {
  if (next === undefined || !/^\d{1,19}$/.test(next)) return;
  if (position !== undefined && BigInt(next) <= BigInt(position)) return;
  position = next;
  listeners.forEach((listener) => listener());
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The position to wait for, or undefined before this user has written anything. */
export const useWrittenPosition = (): string | undefined => useSyncExternalStore(subscribe, () => position);
