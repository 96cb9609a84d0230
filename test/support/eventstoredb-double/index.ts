/**
 * A protocol-level test double of EventStoreDB: an in-memory gRPC server that the real, unmodified
 * `@eventstore/db-client` talks to, built from the service definitions generated inside that
 * package. Test code only; never import it from `src/`.
 *
 * Implements
 *  - ServerFeatures.GetSupportedMethods: answers UNIMPLEMENTED, as servers before 21.10 do, so the
 *    client appends with the plain `Append` rpc.
 *  - Streams.Append: expected revision (any / no_stream / stream_exists / exact), success with the
 *    stream's revision and the write's position, wrong_expected_version with the current revision,
 *    and the server's duplicate detection as it really is (see `InMemoryLog.append`): an exact
 *    revision (or no_stream) below the current one is checked against the stream's events after it
 *    — all the same ids: success, nothing written; none or only some: wrong expected version. With
 *    `any` / `stream_exists` a repeat is recognised only from a bounded cache of recently
 *    committed event ids (`recentEventIds`, 1000 by default), which `forgetRecentEventIds()` and
 *    `restart()` empty, as a restart, a failover or eviction does: then the repeat is written again.
 *  - Streams.Read: stream reads forwards/backwards from a revision or start/end with a count
 *    ("stream not found" is a `stream_not_found` message); `$all` reads forwards/backwards from a
 *    position or start/end (forwards includes the start position, backwards excludes it);
 *    subscriptions to a stream or to `$all` from start/end/a revision or position (exclusive), with
 *    confirmation, catch-up, `caught_up` (sent by servers from 23.10 on), then live events; `$all`
 *    filters on event type or stream name (regex or prefixes) with checkpoints every
 *    `checkpointIntervalMultiplier × maxSearchWindow` considered events (32 when no window is given).
 *  - Positions as the real log has them: byte-offset-like, unique prepare positions, one commit
 *    position shared by all events of a write. `$`-prefixed system events are written at startup.
 *  - Failures: `setUnavailable` (every call answers UNAVAILABLE: nothing is written); `freeze` (a
 *    hung node: the connection stays up, calls are accepted and never answered); `restart` (every
 *    open call and subscription is dropped with the connection, same port, optionally empty).
 *    A frozen node's held calls are processed on `thaw()`, in arrival order — including appends
 *    whose caller has given up (deadline passed, call cancelled): the server had the whole request,
 *    and a node that recovers commits it. That is what makes a timed-out append's outcome unknown.
 *    Held reads are answered only if their caller is still waiting. `restart()` drops held calls
 *    unprocessed.
 *
 * Does not implement: BatchAppend (the client never needs it here), Delete/Tombstone, stream
 * metadata ($maxAge, truncation…), link resolution, persistent subscriptions, projections, users,
 * gossip/cluster discovery, TLS, authentication, server-side deadlines (the server never gives up
 * on a call itself; the client's deadline is what ends it), the cache's memory-based size (it is a
 * count here), or "fell behind" notifications.
 */
import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import {
  comparePositions,
  filterAllows,
  DEFAULT_RECENT_EVENT_IDS,
  InMemoryLog,
  type ExpectedRevision,
  type LogFilter,
  type LoggedEvent,
  type LogPosition,
  type ProposedEvent,
} from './in-memory-log.js';

const { AppendResp, ReadResp } = streamsPb;
type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadOptions = InstanceType<typeof streamsPb.ReadReq.Options>;
type ReadRespMessage = InstanceType<typeof ReadResp>;
type AppendRespMessage = InstanceType<typeof AppendResp>;

/** The server's search window when the client does not set one. */
const DEFAULT_MAX_SEARCH_WINDOW = 32;
const SYSTEM_SEED: ReadonlyArray<{ streamId: string; type: string; data: unknown }> = [
  { streamId: '$$$settings', type: '$metadata', data: { $acl: {} } },
  { streamId: '$settings', type: '$settings', data: { $userStreamAcl: {} } },
  { streamId: '$stats-127.0.0.1:2113', type: '$statsCollected', data: { 'proc-cpu': 1.5 } },
  // A user-looking type in a system stream: only a stream-name check keeps it out.
  { streamId: '$scavenges', type: 'ScavengeStarted', data: { scavengeId: 'seed' } },
];

export interface EventStoreDbDoubleOptions {
  /** Port on 127.0.0.1; 0 (the default) takes a free one. */
  port?: number;
  /** How many recently committed event ids the server remembers for `any` / `stream_exists` retries. */
  recentEventIds?: number;
}

export interface EventStoreDbDouble {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  /** While set, every call (and every running subscription) fails with gRPC UNAVAILABLE. */
  setUnavailable(unavailable: boolean): void;
  /**
   * Hangs the node: appends, reads, new subscriptions and the features call are accepted and held,
   * unanswered, until `thaw()` (the connection itself stays healthy). With `atNextAppend`, the node
   * hangs when the next append arrives, that append included — so a caller can read its stream,
   * then find its write unanswered.
   */
  freeze(options?: { atNextAppend?: boolean }): void;
  /** Processes the held calls in arrival order (see the header) and answers again. */
  thaw(): void;
  /** How many calls the frozen node holds. */
  readonly heldCalls: number;
  /**
   * Restarts the node on the same port: drops every open call, held call and subscription with the
   * connection, thaws, and forgets the recent event ids. With `empty`, the log starts again with
   * only the system events (a store replaced by a new, empty one).
   */
  restart(options?: { empty?: boolean }): Promise<void>;
  /** Forgets the recently committed event ids (as a restart or failover does); the log stays. */
  forgetRecentEventIds(): void;
  /** Writes an event into a `$` stream, as the server's own housekeeping does. */
  appendSystemEvent(streamId?: string, type?: string): LogPosition;
  /** The log as the double holds it (for assertions on positions). A new one after `restart({ empty: true })`. */
  readonly log: InMemoryLog;
  stop(): Promise<void>;
}

const jsonProposal = (type: string, data: unknown): ProposedEvent => ({
  id: randomUUID(),
  type,
  contentType: 'application/json',
  data: Buffer.from(JSON.stringify(data), 'utf8'),
  customMetadata: new Uint8Array(),
});
const streamName = (identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
const streamIdentifier = (name: string) => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

const eventMessage = (e: LoggedEvent): ReadRespMessage => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(e.id))
    .setStreamIdentifier(streamIdentifier(e.streamId))
    .setStreamRevision(e.revision.toString())
    .setCommitPosition(e.commit.toString())
    .setPreparePosition(e.prepare.toString())
    .setData(e.data)
    .setCustomMetadata(e.customMetadata);
  recorded.getMetadataMap().set('type', e.type).set('content-type', e.contentType).set('created', e.createdTicks.toString());
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(e.commit.toString());
  return new ReadResp().setEvent(read);
};

const checkpointMessage = (p: LogPosition): ReadRespMessage =>
  new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(p.commit.toString()).setPreparePosition(p.prepare.toString()));

const unavailableError = () => ({ code: status.UNAVAILABLE, details: 'EventStoreDB double is unavailable' });

const expectedOf = (options: InstanceType<typeof streamsPb.AppendReq.Options>): ExpectedRevision => {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
};

const filterOf = (options: ReadOptions): { filter: LogFilter; checkpointInterval: number } | undefined => {
  if (!options.hasFilter()) return undefined;
  const f = options.getFilter()!;
  const on = f.hasStreamIdentifier() ? 'stream' : 'type';
  const expression = on === 'stream' ? f.getStreamIdentifier()! : f.getEventType()!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex();
  const window = f.hasMax() && f.getMax() > 0 ? f.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  return {
    filter: { on, prefixes, regex: prefixes.length === 0 && regex ? new RegExp(regex) : undefined },
    checkpointInterval: Math.max(1, f.getCheckpointintervalmultiplier()) * window,
  };
};

export const startEventStoreDbDouble = async (options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> => {
  const recentEventIds = options.recentEventIds ?? DEFAULT_RECENT_EVENT_IDS;
  const newLog = () => {
    const fresh = new InMemoryLog(recentEventIds);
    for (const seed of SYSTEM_SEED) fresh.append(seed.streamId, { kind: 'any' }, [jsonProposal(seed.type, seed.data)]);
    return fresh;
  };
  let log = newLog();
  let unavailable = false;
  let frozen = false;
  let freezeAtNextAppend = false;
  /** What the frozen node will do with each call it holds, in arrival order. */
  let held: Array<() => void> = [];
  /** Runs a call now, or holds it while the node is frozen. */
  const whenAnswering = (work: () => void) => (frozen ? held.push(work) : work());
  /** Running subscriptions, each with how to stop feeding it. */
  const live = new Map<ServerWritableStream<ReadReq, ReadRespMessage>, { finish: () => void }>();

  const append = (call: ServerReadableStream<AppendReq, AppendRespMessage>, callback: sendUnaryData<AppendRespMessage>) => {
    if (unavailable) {
      call.on('data', () => {});
      callback(unavailableError());
      return;
    }
    let options: InstanceType<typeof streamsPb.AppendReq.Options> | undefined;
    const proposed: ProposedEvent[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) {
        options = req.getOptions();
        return;
      }
      const message = req.getProposedMessage()!;
      const metadata = message.getMetadataMap();
      proposed.push({
        id: message.getId()?.getString() ?? randomUUID(),
        type: metadata.get('type') ?? '',
        contentType: metadata.get('content-type') ?? 'application/octet-stream',
        data: message.getData_asU8(),
        customMetadata: message.getCustomMetadata_asU8(),
      });
    });
    call.on('error', () => {});
    call.on('end', () => {
      if (unavailable) return callback(unavailableError());
      if (freezeAtNextAppend) {
        freezeAtNextAppend = false;
        frozen = true;
      }
      // Held appends are written on thaw even when their caller has gone: the node had the request.
      whenAnswering(() => commit(call, options, proposed, callback));
    });
  };

  const commit = (
    call: ServerReadableStream<AppendReq, AppendRespMessage>,
    options: InstanceType<typeof streamsPb.AppendReq.Options> | undefined,
    proposed: readonly ProposedEvent[],
    callback: sendUnaryData<AppendRespMessage>,
  ) => {
    if (!options) return callback({ code: status.INVALID_ARGUMENT, details: 'append without options' });
    const expected = expectedOf(options);
    const outcome = log.append(streamName(options.getStreamIdentifier()), expected, proposed);
    const resp = new AppendResp();
    if (outcome.ok) {
      const success = new AppendResp.Success().setPosition(
        new AppendResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()),
      );
      if (outcome.revision < 0n) success.setNoStream(new sharedPb.Empty());
      else success.setCurrentRevision(outcome.revision.toString());
      resp.setSuccess(success);
    } else {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (outcome.current === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
      else wrong.setCurrentRevision(outcome.current.toString());
      if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
      else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
      else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
      else wrong.setExpectedAny(new sharedPb.Empty());
      resp.setWrongExpectedVersion(wrong);
    }
    if (!call.cancelled) callback(null, resp);
  };

  const readStream = (call: ServerWritableStream<ReadReq, ReadRespMessage>, options: ReadOptions) => {
    const so = options.getStream()!;
    const name = streamName(so.getStreamIdentifier());
    const events = log.stream(name) ?? [];
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;

    if (options.hasSubscription()) {
      call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
      const after = so.hasRevision() ? BigInt(so.getRevision()) : so.hasEnd() ? BigInt(events.length) - 1n : -1n;
      for (const e of events) if (e.revision > after) call.write(eventMessage(e));
      call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
      follow(call, (e) => {
        if (e.streamId === name && e.revision > after) call.write(eventMessage(e));
      });
      return;
    }

    if (events.length === 0) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
      call.write(new ReadResp().setStreamNotFound(notFound));
      call.end();
      return;
    }
    const count = Number(options.getCount());
    let selected: LoggedEvent[];
    if (backwards) {
      const from = so.hasRevision() ? BigInt(so.getRevision()) : so.hasStart() ? -1n : BigInt(events.length);
      selected = events.filter((e) => e.revision <= from).reverse();
    } else {
      const from = so.hasRevision() ? BigInt(so.getRevision()) : so.hasEnd() ? BigInt(events.length) : 0n;
      selected = events.filter((e) => e.revision >= from);
    }
    for (const e of selected.slice(0, count)) call.write(eventMessage(e));
    call.end();
  };

  const readAll = (call: ServerWritableStream<ReadReq, ReadRespMessage>, options: ReadOptions) => {
    const ao = options.getAll()!;
    const filtered = filterOf(options);
    const from: LogPosition | 'start' | 'end' = ao.hasPosition()
      ? { commit: BigInt(ao.getPosition()!.getCommitPosition()), prepare: BigInt(ao.getPosition()!.getPreparePosition()) }
      : ao.hasEnd()
        ? 'end'
        : 'start';

    if (!options.hasSubscription()) {
      const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
      const all = log.all();
      let selected: readonly LoggedEvent[];
      if (backwards) {
        selected = from === 'start' ? [] : (from === 'end' ? [...all] : all.filter((e) => comparePositions(e, from) < 0)).reverse();
      } else {
        selected = from === 'end' ? [] : from === 'start' ? all : all.filter((e) => comparePositions(e, from) >= 0);
      }
      const count = Number(options.getCount());
      let written = 0;
      for (const e of selected) {
        if (written >= count) break;
        if (!filterAllows(filtered?.filter, e)) continue;
        call.write(eventMessage(e));
        written++;
      }
      call.end();
      return;
    }

    // Subscription: everything strictly after the start position, then live.
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    let considered = 0;
    const consider = (e: LoggedEvent) => {
      if (filterAllows(filtered?.filter, e)) call.write(eventMessage(e));
      if (!filtered) return;
      considered++;
      if (considered >= filtered.checkpointInterval) {
        considered = 0;
        call.write(checkpointMessage(e));
      }
    };
    const all = log.all();
    const head = all.length === 0 ? undefined : all[all.length - 1]!;
    const after: LogPosition | undefined = from === 'start' ? undefined : from === 'end' ? head : from;
    for (const e of all) if (!after || comparePositions(e, after) > 0) consider(e);
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    follow(call, consider);
  };

  /** Keeps a subscription call open and feeds it every later append until it ends. */
  const follow = (call: ServerWritableStream<ReadReq, ReadRespMessage>, onEvent: (e: LoggedEvent) => void) => {
    const stopListening = log.onAppend((e) => {
      if (!call.writable) return;
      onEvent(e);
    });
    const finish = () => {
      stopListening();
      live.delete(call);
    };
    live.set(call, { finish });
    call.on('cancelled', finish);
    call.on('close', finish);
    call.on('error', finish);
  };

  const read = (call: ServerWritableStream<ReadReq, ReadRespMessage>) => {
    if (unavailable) {
      call.emit('error', unavailableError());
      return;
    }
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: status.INVALID_ARGUMENT, details: 'read without options' });
      return;
    }
    whenAnswering(() => {
      if (call.cancelled) return;
      if (options.hasStream()) readStream(call, options);
      else readAll(call, options);
    });
  };

  const serve = async (port: number): Promise<{ server: Server; port: number }> => {
    const server = new Server();
    server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        if (unavailable) return callback(unavailableError());
        whenAnswering(() => callback({ code: status.UNIMPLEMENTED, details: 'not implemented' }));
      },
    });
    server.addService(streamsGrpc.StreamsService, { append, read });
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
    return { server, port: bound };
  };
  let { server, port } = await serve(options.port ?? 0);

  const endSubscriptions = () => {
    for (const [call, subscription] of [...live]) {
      subscription.finish();
      if (call.writable) call.end();
    }
  };

  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    get log() {
      return log;
    },
    get heldCalls() {
      return held.length;
    },
    setUnavailable(flag: boolean) {
      unavailable = flag;
      if (!flag) return;
      for (const [call, subscription] of [...live]) {
        subscription.finish();
        call.emit('error', unavailableError());
      }
    },
    freeze(freezeOptions: { atNextAppend?: boolean } = {}) {
      if (freezeOptions.atNextAppend) freezeAtNextAppend = true;
      else frozen = true;
    },
    thaw() {
      frozen = false;
      freezeAtNextAppend = false;
      const work = held;
      held = [];
      for (const run of work) run();
    },
    async restart(restartOptions: { empty?: boolean } = {}) {
      frozen = false;
      freezeAtNextAppend = false;
      held = [];
      for (const subscription of [...live.values()]) subscription.finish();
      // Drops the connections and every call on them, as a process that goes away does.
      server.forceShutdown();
      if (restartOptions.empty) log = newLog();
      else log.forgetRecentEventIds();
      ({ server } = await serve(port));
    },
    forgetRecentEventIds() {
      log.forgetRecentEventIds();
    },
    appendSystemEvent(streamId = `$stats-127.0.0.1:2113`, type = '$statsCollected') {
      const outcome = log.append(streamId, { kind: 'any' }, [jsonProposal(type, { at: Date.now() })]);
      if (!outcome.ok) throw new Error('system append refused');
      return outcome.position;
    },
    async stop() {
      held = [];
      endSubscriptions();
      server.forceShutdown();
    },
  };
};
