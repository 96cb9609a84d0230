/**
 * Settles as `work` does, or — when it has not settled after `ms` — as `late()` does: with the value
 * it returns, or rejected with what it throws. The timer is cleared either way, and a failure of
 * `work` after the deadline is not left unhandled.
 */
export const settleWithin = <T, U>(work: Promise<T>, ms: number, late: () => U): Promise<T | U> => {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  const expired = new Promise<U>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(late());
      } catch (error) {
        reject(error as Error);
      }
    }, ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
};
