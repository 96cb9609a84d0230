import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';

/** Fixed namespace of this service's derived event ids. Never change it: old retries would write twice. */
const EVENT_ID_NAMESPACE = '5b0c1c8e-3f4e-4a43-9c55-2f5a8f1a6d10';

/**
 * Event ids are derived from the command's idempotency key, the stream and the event's index in
 * the append, so a retried command proposes the very same ids and the store refuses to write
 * them twice. Without a key the id is random.
 */
export const eventIdFor = (idempotencyKey: string | undefined, streamId: string, index: number): string =>
  idempotencyKey === undefined ? uuidv4() : uuidv5(`${idempotencyKey}\u0000${streamId}\u0000${index}`, EVENT_ID_NAMESPACE);
