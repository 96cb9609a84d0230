import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';

/** Fixed namespace of this service's derived event ids. Never change it: old retries would write twice. */
const EVENT_ID_NAMESPACE = '5b0c1c8e-3f4e-4a43-9c55-2f5a8f1a6d10';

/**
 * The id of a command's event. With a seed (the caller, idempotency key and request together; see
 * `IdempotentRequest`) it is derived from the seed, the stream and the event's index in the append,
 * so the same user's retry proposes the very same ids and recognises them in the stream, while two
 * users who pick the same key never collide. Without a seed the id is random.
 *
 * Events recorded before the seed held the caller keep the ids they were written with; nothing
 * reads an id back into a key, so old logs read, rebuild and replay as before.
 */
export const commandEventId = (seed: string | undefined, streamId: string, index: number): string =>
  seed === undefined ? uuidv4() : uuidv5(`${seed}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE);

/**
 * The id of an event a reaction writes: derived from the event it reacts to (already unique), the
 * stream it writes to and the index, so every run of the reaction proposes the same ids.
 */
export const reactionEventId = (sourceEventId: string, streamId: string, index: number): string =>
  uuidv5(`${sourceEventId}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE);
