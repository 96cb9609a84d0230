import type { UseQueryResult } from '@tanstack/react-query';
import { type Ref } from 'react';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Loading, ProblemMessage } from '../../ui/states.js';
import { DRIFT_SECTION_ID } from './DriftSection.js';
import { streamPath, useFieldName, useValueText } from './shared.js';
import { auditorTexts } from './texts.js';

type Replay = Schemas['ReplayWithDriftDto'];

/** Where a difference sits, read from its path (`inputs.municipalities[0115].items[FFP2].projectedStock`). */
export interface DiffPlace {
  readonly part?: 'inputs' | 'outputs';
  readonly municipality?: string;
  readonly item?: string;
  readonly stream?: string;
  /** Absent: the whole record is missing on one side. */
  readonly field?: string;
}

/**
 * The service names each difference by keys, one per level (docs/allocation.md lists the shapes);
 * a path of another shape is shown as it is, so nothing the service says is lost.
 */
export const placeOf = (path: string): DiffPlace => {
  let m: RegExpExecArray | null;
  if ((m = /^inputs\.streams\[([^\]]+)\](?:\.(\w+))?$/.exec(path))) return { part: 'inputs', stream: m[1], field: m[2] };
  if ((m = /^inputs\.supply\[([^\]]+)\](?:\.(\w+))?$/.exec(path))) return { part: 'inputs', item: m[1], field: m[2] };
  if ((m = /^inputs\.municipalities\[([^\]]+)\](?:\.items\[([^\]]+)\])?(?:\.(\w+))?$/.exec(path)))
    return { part: 'inputs', municipality: m[1], item: m[2], field: m[3] };
  if ((m = /^outputs\.lines\[([^\]]+)\]\[([^\]]+)\](?:\.(\w+))?$/.exec(path))) return { part: 'outputs', municipality: m[1], item: m[2], field: m[3] };
  if ((m = /^outputs\.items\[([^\]]+)\](?:\.(\w+))?$/.exec(path))) return { part: 'outputs', item: m[1], field: m[2] };
  return {};
};

const Verdict = ({ ok }: { ok: boolean }) => {
  const t = useTexts(auditorTexts);
  return ok ? (
    <span className="badge badge-ok">
      <span aria-hidden="true">✓ </span>
      {t('same')}
    </span>
  ) : (
    <span className="badge badge-critical">
      <span aria-hidden="true">✗ </span>
      {t('differs')}
    </span>
  );
};

const ReplayResult = ({ replay, headingRef }: { replay: Replay; headingRef: Ref<HTMLHeadingElement> }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const fieldName = useFieldName();
  const value = useValueText();
  const reproduced = replay.inputsReproduced && replay.outputsReproduced;
  return (
    <>
      <h3 ref={headingRef} tabIndex={-1} className={`verdict ${reproduced ? 'verdict-ok' : 'verdict-failed'}`}>
        <span aria-hidden="true">{reproduced ? '✓ ' : '✗ '}</span>
        {reproduced ? t('reproduced') : t('notReproduced')}
      </h3>
      <p>{reproduced ? t('reproducedText') : t('notReproducedText')}</p>
      <dl className="facts">
        <dt>{t('inputsReproduced')}</dt>
        <dd>
          <Verdict ok={replay.inputsReproduced} />
        </dd>
        <dt>{t('outputsReproduced')}</dt>
        <dd>
          <Verdict ok={replay.outputsReproduced} />
        </dd>
      </dl>
      {replay.diff.length > 0 ? (
        <div className="table-wrap">
          <table className="diff">
            <caption>{t('diffCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('part')}</th>
                <th scope="col">{t('municipality')}</th>
                <th scope="col">{t('item')}</th>
                <th scope="col">{t('what')}</th>
                <th scope="col" className="num">
                  {t('recorded')}
                </th>
                <th scope="col" className="num">
                  {t('replayed')}
                </th>
              </tr>
            </thead>
            <tbody>
              {replay.diff.map((d) => {
                const place = placeOf(d.path);
                return (
                  <tr key={d.path}>
                    <td>{place.part ? t(`part.${place.part}`) : '–'}</td>
                    <td>{place.municipality ? municipalityName(place.municipality) : place.stream ? <code>{place.stream}</code> : '–'}</td>
                    <td>{place.item ? itemName(place.item) : '–'}</td>
                    <th scope="row">
                      {place.field ? fieldName(place.field) : place.part ? t('wholeRecord') : null}
                      <br />
                      <code className="path">{d.path}</code>
                    </th>
                    <td className="num">{d.recorded === null ? t('missing') : value(d.recorded)}</td>
                    <td className="num">
                      <strong>{d.replayed === null ? t('missing') : value(d.replayed)}</strong>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {replay.drift ? (
        <p className="alert alert-warning">
          {t('replayAndDrift')} <a href={`#${DRIFT_SECTION_ID}`}>{t('driftAlertLink')}</a>
        </p>
      ) : null}
      <details>
        <summary>{t('readTitle')}</summary>
        <p>{t('readSummary', { events: formatNumber(replay.read.events, language), streams: formatNumber(replay.read.streams.length, language) })}</p>
        <table>
          <caption className="visually-hidden">{t('readTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('stream')}</th>
              <th scope="col" className="num">
                {t('revision')}
              </th>
            </tr>
          </thead>
          <tbody>
            {replay.read.streams.map((s) => (
              <tr key={s.streamId}>
                <th scope="row">
                  <Link to={streamPath(s.streamId)}>{s.streamId}</Link>
                </th>
                <td className="num">{s.revision}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
};

/** "Spela upp igen": the replay's verdict, its differences line by line, and what it read. */
export const ReplaySection = ({ query, headingRef }: { query: UseQueryResult<Replay>; headingRef: Ref<HTMLHeadingElement> }) => {
  const t = useTexts(auditorTexts);
  return (
    <section aria-labelledby="uppspelning-heading" className="card">
      <h2 id="uppspelning-heading">{t('replayTitle')}</h2>
      <p className="muted">{t('replayIntro')}</p>
      {query.isFetching ? (
        <p role="status" className="loading">
          {t('replaying')}
        </p>
      ) : query.isError ? (
        <ProblemMessage error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data ? (
        <ReplayResult replay={query.data} headingRef={headingRef} />
      ) : (
        <Loading />
      )}
    </section>
  );
};
