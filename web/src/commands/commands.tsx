import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { paths } from '../../../contract/api';
import { ApiError, type Problem } from '../api/client.js';
import { currentSession, useSession } from '../auth/session.js';
import { currentLanguage } from '../i18n/language.js';
import { addToOutbox, deliveryOf, discardFromOutbox, flushOutbox, localOutbox, type Delivery, type OutboxEntry } from './outbox.js';
import { recordWrittenPosition } from './written-position.js';

/** Every POST route of the API, with its JSON body and its success answer, from the generated contract. */
type PostPath = { [P in keyof paths]: paths[P] extends { post: { requestBody?: unknown } } ? P : never }[keyof paths];
type PostOf<P extends PostPath> = paths[P] extends { post: infer O } ? O : never;
export type CommandBody<P extends PostPath> = PostOf<P> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
type Success<R> = R extends { 200: { content: { 'application/json': infer B } } }
  ? B
  : R extends { 201: { content: { 'application/json': infer B } } }
    ? B
    : never;
export type CommandResult<P extends PostPath> = PostOf<P> extends { responses: infer R } ? Success<R> : never;

/** A command as the forms submit it: the route's pattern, its path parameters, the body, and a label for the outbox. */
export interface CommandRequest<P extends PostPath> {
  readonly route: P;
  readonly params?: Readonly<Record<string, string>>;
  readonly body: CommandBody<P>;
  readonly label: string;
}

const pathOf = (route: string, params: Readonly<Record<string, string>> = {}): string =>
  route.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(params[name] ?? ''));

/** One attempt over the network; never throws. */
const send = async (entry: Pick<OutboxEntry, 'key' | 'path' | 'body'>): Promise<Delivery> => {
  const session = currentSession();
  try {
    const response = await fetch(entry.path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': entry.key,
        'Accept-Language': currentLanguage(),
        ...(session ? { Authorization: `Bearer ${session.token}` } : {}),
      },
      body: JSON.stringify(entry.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): the status decides.
    }
    return deliveryOf(response.status, body);
  } catch {
    return { kind: 'uncertain' };
  }
};

const positionOf = (body: unknown): string | undefined =>
  typeof body === 'object' && body !== null && typeof (body as { position?: unknown }).position === 'string'
    ? (body as { position: string }).position
    : undefined;

interface OutboxState {
  readonly entries: readonly OutboxEntry[];
  /** Sends what waits now (also done when the browser comes back online, and every 15 s). */
  readonly flush: () => Promise<void>;
  readonly discard: (key: string) => void;
  readonly refresh: () => void;
}

const OutboxContext = createContext<OutboxState>({ entries: [], flush: async () => {}, discard: () => {}, refresh: () => {} });
const storage = localOutbox();
const RETRY_MS = 15_000;

export const OutboxProvider = ({ children }: { children: ReactNode }) => {
  const session = useSession();
  const owner = session?.user.sub;
  const queryClient = useQueryClient();
  const [entries, setEntries] = useState<readonly OutboxEntry[]>([]);
  const flushing = useRef(false);
  const refresh = useCallback(() => setEntries(owner ? storage.load().filter((e) => e.owner === owner) : []), [owner]);

  const flush = useCallback(async () => {
    if (!owner || flushing.current) return;
    flushing.current = true;
    try {
      const result = await flushOutbox(storage, owner, send);
      for (const { body } of result.recorded) recordWrittenPosition(positionOf(body));
      if (result.recorded.length) await queryClient.invalidateQueries();
    } finally {
      flushing.current = false;
      refresh();
    }
  }, [owner, queryClient, refresh]);

  useEffect(() => {
    refresh();
    void flush();
    const online = () => void flush();
    window.addEventListener('online', online);
    const timer = window.setInterval(() => {
      if (storage.load().some((e) => e.owner === owner && e.state === 'waiting')) void flush();
    }, RETRY_MS);
    return () => {
      window.removeEventListener('online', online);
      window.clearInterval(timer);
    };
  }, [flush, refresh, owner]);

  const discard = useCallback(
    (key: string) => {
      discardFromOutbox(storage, key);
      refresh();
    },
    [refresh],
  );
  const value = useMemo(() => ({ entries, flush, discard, refresh }), [entries, flush, discard, refresh]);
  return <OutboxContext.Provider value={value}>{children}</OutboxContext.Provider>;
};

export const useOutbox = (): OutboxState => useContext(OutboxContext);

export type CommandState<R> =
  | { readonly status: 'idle' }
  | { readonly status: 'sending' }
  /** Recorded: the answer, whose `position` later reads wait for. */
  | { readonly status: 'recorded'; readonly result: R }
  /** Not sent or not answered: in the outbox, to be sent with the same key. */
  | { readonly status: 'queued' }
  | { readonly status: 'refused'; readonly error: ApiError };

/**
 * Submits a command with an Idempotency-Key that belongs to this form's submission: the same key
 * on every retry until the service has answered, a new one for the next submission. With `queue`,
 * a command that cannot be sent goes to the outbox (report, receipt, dispatch and confirmation
 * forms); without it, the form says the service could not be reached and keeps the key for a retry.
 */
export const useCommand = <P extends PostPath>(options: { queue?: boolean } = {}) => {
  const queryClient = useQueryClient();
  const outbox = useOutbox();
  const [state, setState] = useState<CommandState<CommandResult<P>>>({ status: 'idle' });
  const key = useRef<string | null>(null);

  const submit = useCallback(
    async (request: CommandRequest<P>): Promise<CommandState<CommandResult<P>>> => {
      key.current ??= crypto.randomUUID();
      const entry = { key: key.current, path: pathOf(request.route, request.params), body: request.body };
      setState({ status: 'sending' });
      const delivery = await send(entry);
      let next: CommandState<CommandResult<P>>;
      if (delivery.kind === 'recorded') {
        key.current = null;
        recordWrittenPosition(positionOf(delivery.body));
        next = { status: 'recorded', result: delivery.body as CommandResult<P> };
        await queryClient.invalidateQueries();
      } else if (delivery.kind === 'refused') {
        // Refused before anything was written: the service has let the key go, and a corrected form is a new request.
        key.current = null;
        next = { status: 'refused', error: new ApiError(delivery.status, delivery.problem as Problem) };
      } else if (options.queue) {
        addToOutbox(storage, { ...entry, owner: currentSession()?.user.sub ?? '', label: request.label });
        key.current = null;
        outbox.refresh();
        next = { status: 'queued' };
      } else {
        next = {
          status: 'refused',
          error: new ApiError(503, {
            type: 'about:blank',
            title: currentLanguage() === 'sv' ? 'Tjänsten svarar inte' : 'The service does not answer',
            detail:
              currentLanguage() === 'sv'
                ? 'Det gick inte att nå tjänsten. Försök igen: samma begäran registreras bara en gång.'
                : 'The service could not be reached. Try again: the same request is recorded only once.',
            status: 503,
            code: 'NETWORK.UNREACHABLE',
          }),
        };
      }
      setState(next);
      return next;
    },
    [options.queue, outbox, queryClient],
  );

  const reset = useCallback(() => {
    key.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, submit, reset };
};
