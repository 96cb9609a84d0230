/**
 * Sets `key` in `map` as its newest entry and drops the oldest entries beyond `max`: a Map keeps
 * insertion order, so re-inserting on every write makes it a cache that forgets the least recently
 * written first.
 */
export const rememberAtMost = <K, V>(map: Map<K, V>, key: K, value: V, max: number): void => {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
};
