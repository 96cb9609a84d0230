import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiError, data, type Schemas } from '../../api/client.js';
import { useMunicipalities, useMunicipalityName, useWarehouses } from '../../api/reference.js';
import { formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states.js';
import { EventData, useReasons } from './EventData.js';
import { CountyChooser, decisionPath, Moment, streamPath, useAuditCounty, useCountyName, useEventTypeName, Who } from './shared.js';
import { auditorTexts } from './texts.js';

type StreamEvent = Schemas['StreamEventDto'];

/** Events asked for at a time; `?antal=` changes it (1–1000), for a long stream or a short look. */
const DEFAULT_PAGE = 50;

/** The form that opens a stream's timeline; the service's refusal of an id is shown at the field. */
const StreamForm = ({ current, error }: { current?: string; error?: string }) => {
  const t = useTexts(auditorTexts);
  const navigate = useNavigate();
  const [value, setValue] = useState(current ?? '');
  const [missing, setMissing] = useState(false);
  useEffect(() => setValue(current ?? ''), [current]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = value.trim();
    setMissing(id === '');
    if (id) void navigate(streamPath(id));
  };
  return (
    <form onSubmit={submit} className="stream-form" noValidate>
      <TextField
        label={t('streamId')}
        hint={t('streamIdHint')}
        name="streamId"
        value={value}
        autoComplete="off"
        spellCheck={false}
        error={missing ? t('streamRequired') : error}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="primary">
        {t('showStream')}
      </button>
    </form>
  );
};

/** A stream's kind in words, from the `category-id` convention of its name. */
const useStreamDescription = () => {
  const t = useTexts(auditorTexts);
  const municipalityName = useMunicipalityName();
  const warehouses = useWarehouses();
  return (streamId: string): string | undefined => {
    const rest = (prefix: string) => (streamId.startsWith(`${prefix}-`) ? streamId.slice(prefix.length + 1) : undefined);
    let id: string | undefined;
    if ((id = rest('municipality')) !== undefined) return t('stream.municipality', { name: municipalityName(id) });
    if ((id = rest('warehouse')) !== undefined) {
      const w = warehouses.data?.warehouses.find((x) => x.id === id);
      return t('stream.warehouse', { id: w ? `${w.name} (${id})` : id });
    }
    if (rest('allocation') !== undefined) return t('stream.allocation');
    if (rest('delivery') !== undefined) return t('stream.delivery');
    if (rest('purchase') !== undefined) return t('stream.purchase');
    if (rest('national-request') !== undefined) return t('stream.national-request');
    return undefined;
  };
};

/** "Händelser": a stream id to look up, and the county's own streams one click away. */
export const StreamsPage = () => {
  const t = useTexts(auditorTexts);
  const { county } = useAuditCounty();
  const countyName = useCountyName();
  const municipalities = useMunicipalities();
  const warehouses = useWarehouses();
  return (
    <Page title={t('streamsTitle')} intro={<p>{t('streamsIntro')}</p>}>
      <StreamForm />
      <section aria-labelledby="county-streams">
        <h2 id="county-streams">{t('commonStreams', { county: countyName(county) })}</h2>
        <CountyChooser />
        {municipalities.isPending || warehouses.isPending ? (
          <Loading />
        ) : (
          <>
            <h3>{t('warehousesHeading')}</h3>
            <ul className="stream-links">
              {(warehouses.data?.warehouses ?? [])
                .filter((w) => w.countyCode === county)
                .map((w) => (
                  <li key={w.id}>
                    <Link to={streamPath(`warehouse-${w.id}`)}>{w.name}</Link> <code>warehouse-{w.id}</code>
                  </li>
                ))}
            </ul>
            <h3>{t('municipalitiesHeading')}</h3>
            <ul className="stream-links">
              {(municipalities.data?.municipalities ?? [])
                .filter((m) => m.countyCode === county)
                .map((m) => (
                  <li key={m.code}>
                    <Link to={streamPath(`municipality-${m.code}`)}>{m.name}</Link> <code>municipality-{m.code}</code>
                  </li>
                ))}
            </ul>
          </>
        )}
      </section>
    </Page>
  );
};

const EventCard = ({ event, target }: { event: StreamEvent; target: boolean }) => {
  const t = useTexts(auditorTexts);
  const eventType = useEventTypeName();
  const reasons = useReasons()(event.data);
  const ref = useRef<HTMLElement>(null);
  // The event a drift link pointed at: brought into view and focused, so the eye and the keyboard start there.
  useEffect(() => {
    if (target) {
      ref.current?.scrollIntoView({ block: 'center' });
      ref.current?.focus();
    }
  }, [target]);
  const { metadata } = event;
  const decidedBy = Array.isArray(event.data.decidedBy) ? (event.data.decidedBy as unknown[]).filter((x) => typeof x === 'string') : [];
  const headingId = `event-${event.revision}`;
  return (
    <article
      ref={ref}
      tabIndex={target ? -1 : undefined}
      aria-labelledby={headingId}
      className={`event card${target ? ' event-target' : ''}`}
      id={`handelse-${metadata.eventId}`}
    >
      <p className="event-place muted">
        {t('revision')} {event.revision} · {t('position')} {event.position}
      </p>
      <h2 id={headingId}>
        {eventType(event.type)} <code className="event-type">{event.type}</code>
      </h2>
      {target ? (
        <p className="alert alert-warning">
          <span aria-hidden="true">⚠ </span>
          {t('targetEvent')}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t('eventWho')}</dt>
        <dd>
          <Who name={metadata.actorName} role={metadata.role} sub={metadata.actor} />
        </dd>
        {decidedBy.length ? (
          <>
            <dt>{t('eventDecidedBy')}</dt>
            <dd>{decidedBy.join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('eventBusinessTime')}</dt>
        <dd>
          <Moment iso={metadata.occurredAt} />
        </dd>
        <dt>{t('eventRecordedTime')}</dt>
        <dd>
          <Moment iso={event.recordedAt} />
        </dd>
        {reasons.length ? (
          <>
            <dt>{t('eventWhy')}</dt>
            <dd>
              {reasons.length === 1 ? (
                <q>{reasons[0]}</q>
              ) : (
                <ul className="plain">
                  {reasons.map((r, i) => (
                    <li key={i}>
                      <q>{r}</q>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary>{t('eventData')}</summary>
        <EventData data={event.data} />
      </details>
      <details>
        <summary>{t('eventJson')}</summary>
        <pre className="json">{JSON.stringify(event.data, null, 2)}</pre>
      </details>
      <details>
        <summary>{t('eventMetadata')}</summary>
        <dl className="facts">
          <dt>{t('eventId')}</dt>
          <dd>
            <code>{metadata.eventId}</code>
          </dd>
          <dt>{t('correlationId')}</dt>
          <dd>
            <code>{metadata.correlationId}</code>
          </dd>
          <dt>{t('causationId')}</dt>
          <dd>
            <code>{metadata.causationId}</code>
          </dd>
          <dt>{t('schemaVersion')}</dt>
          <dd>{metadata.schemaVersion}</dd>
          {metadata.idempotencyKey ? (
            <>
              <dt>{t('idempotencyKey')}</dt>
              <dd>
                <code>{metadata.idempotencyKey}</code>
              </dd>
            </>
          ) : null}
        </dl>
      </details>
    </article>
  );
};

/** "Händelser i …": one stream's events in order, with who, when (both times) and why, a page at a time. */
export const TimelinePage = () => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const { streamId = '' } = useParams();
  const [params] = useSearchParams();
  const targetId = params.get('handelse') ?? undefined;
  const asked = Number(params.get('antal'));
  const pageSize = Number.isInteger(asked) && asked >= 1 && asked <= 1000 ? asked : DEFAULT_PAGE;
  const describe = useStreamDescription();
  // One more than a page is asked for: whether it comes back says if there is a next page.
  const stream = useInfiniteQuery({
    queryKey: ['stream', streamId, pageSize],
    initialPageParam: '0',
    queryFn: ({ pageParam }) =>
      data(api.GET('/api/audit/streams/{streamId}', { params: { path: { streamId }, query: { fromRevision: pageParam, limit: pageSize + 1 } } })),
    getNextPageParam: (last) => (last.events.length > pageSize ? last.events[pageSize]!.revision : undefined),
  });
  const events = stream.data?.pages.flatMap((p) => p.events.slice(0, pageSize)) ?? [];
  const targetFound = targetId !== undefined && events.some((e) => e.metadata.eventId === targetId);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = stream;
  // A link to one event of a long stream: pages on until it is shown (or the stream ends).
  useEffect(() => {
    if (targetId && !targetFound && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [targetId, targetFound, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const description = describe(streamId);
  const fieldError = stream.error instanceof ApiError ? stream.error.fieldMessage('streamId') : undefined;
  const allocationId = streamId.startsWith('allocation-') ? streamId.slice('allocation-'.length) : undefined;
  return (
    <Page title={t('timelineTitle', { stream: streamId })} intro={description ? <p>{description}</p> : undefined}>
      {allocationId ? (
        <p>
          <Link to={decisionPath(allocationId)}>{t('openDecision')}</Link>
        </p>
      ) : null}
      <StreamForm current={streamId} error={fieldError} />
      {stream.isPending ? (
        <Loading />
      ) : stream.isError ? (
        // Asking again helps only when the service or the network failed, not when it refused the id.
        <ProblemMessage
          error={stream.error}
          onRetry={stream.error instanceof ApiError && stream.error.status < 500 ? undefined : () => void stream.refetch()}
        />
      ) : events.length === 0 ? (
        <EmptyState title={t('timelineEmpty')} />
      ) : (
        <section aria-labelledby="timeline-caption">
          <p id="timeline-caption" className="timeline-caption">
            {t('timelineCaption', { count: formatNumber(events.length, language) })}
          </p>
          {targetId && !targetFound && !hasNextPage ? <p className="alert alert-warning">{t('targetNotFound')}</p> : null}
          <ol className="timeline">
            {events.map((e) => (
              <li key={e.revision}>
                <EventCard event={e} target={e.metadata.eventId === targetId} />
              </li>
            ))}
          </ol>
          <p role="status">
            {hasNextPage ? t('someShown', { count: formatNumber(events.length, language) }) : t('allShown', { count: formatNumber(events.length, language) })}
          </p>
          {hasNextPage ? (
            <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
              {isFetchingNextPage ? t('loadingMore') : t('timelineMore')}
            </button>
          ) : null}
        </section>
      )}
    </Page>
  );
};
