import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { DriftFlag, RoundStatusBadge } from './DecisionsPage.js';
import { DRIFT_SECTION_ID, DriftSection } from './DriftSection.js';
import { ReplaySection } from './ReplaySection.js';
import { BASE, decisionPath, Moment, orderedParameters, streamPath, useFieldName, useValueText, Who } from './shared.js';
import { auditorTexts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

type Round = Schemas['AllocationRoundWithDriftDto'];

/** One round, with every input figure; shared by the decision page and its what-if. */
export const useRound = (allocationId: string) => {
  const waitFor = useWrittenPosition();
  return useQuery({
    queryKey: ['allocation-round', allocationId, waitFor],
    queryFn: () => data(api.GET('/api/allocation-rounds/{id}', { params: { path: { id: allocationId }, query: waitFor ? { waitFor } : {} } })),
  });
};

/** The parameters a policy ran with, each by its name in words. */
export const ParameterList = ({ parameters }: { parameters: Record<string, number | boolean> }) => {
  const fieldName = useFieldName();
  const value = useValueText();
  return (
    <ul className="plain">
      {orderedParameters(parameters).map(([name, v]) => (
        <li key={name}>
          {fieldName(name)}: {value(v)}
        </li>
      ))}
    </ul>
  );
};

const Facts = ({ round }: { round: Round }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const { proposal, decision } = round;
  return (
    <section aria-labelledby="beslutat-heading">
      <h2 id="beslutat-heading">{t('whatWasDecided')}</h2>
      <dl className="facts">
        <dt>{t('status')}</dt>
        <dd>
          <RoundStatusBadge status={round.status} />
        </dd>
        <dt>{t('colBasis')}</dt>
        <dd>
          <DriftFlag drifted={round.drift !== null} />
        </dd>
        <dt>{t('warehouse')}</dt>
        <dd>{round.warehouseId}</dd>
        <dt>{t('policy')}</dt>
        <dd>
          {proposal.policy.name}/{proposal.policy.version}
        </dd>
        <dt>{t('parameters')}</dt>
        <dd>
          <ParameterList parameters={proposal.parameters} />
        </dd>
        <dt>{t('basisAsOf')}</dt>
        <dd>{t('basisAsOfValue', { time: formatDateTime(proposal.inputs.asOf, language), position: proposal.inputs.position })}</dd>
        <dt>{t('proposedBy')}</dt>
        <dd>
          <Who name={proposal.proposedBy.name} role={proposal.proposedBy.role} sub={proposal.proposedBy.actor} />
        </dd>
        <dt>{t('proposedAt')}</dt>
        <dd>
          <Moment iso={proposal.proposedAt} />
        </dd>
        {decision ? (
          <>
            <dt>{t('decidedBy')}</dt>
            <dd>{decision.decidedBy.join(', ')}</dd>
            <dt>{t('note')}</dt>
            <dd className="note">{decision.note || '–'}</dd>
            <dt>{t('decidedAt')}</dt>
            <dd>
              <Moment iso={decision.decidedAt} />
            </dd>
            <dt>{t('decisionRecordedAt')}</dt>
            <dd>
              <Moment iso={decision.recordedAt} />
            </dd>
            <dt>{t('enteredBy')}</dt>
            <dd>
              <Who name={decision.enteredBy.name} role={decision.enteredBy.role} sub={decision.enteredBy.actor} />
            </dd>
          </>
        ) : null}
      </dl>
      {decision ? null : <p className="muted">{t('notDecidedYet')}</p>}
    </section>
  );
};

const Lines = ({ round }: { round: Round }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const amendments = round.decision?.amendments ?? [];
  const approved = round.status === 'approved';
  const planned = (m: string, i: string) => round.plan.find((p) => p.municipality === m && p.item === i)?.planned ?? 0;
  const n = (x: number) => formatNumber(x, language);
  return (
    <>
      <div className="table-wrap">
        <table>
          <caption>{t('linesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('municipality')}</th>
              <th scope="col">{t('item')}</th>
              <th scope="col" className="num">
                {t('need')}
              </th>
              <th scope="col">{t('acute')}</th>
              <th scope="col" className="num">
                {t('proposed')}
              </th>
              <th scope="col" className="num">
                {t('approved')}
              </th>
              <th scope="col" className="num">
                {t('unmet')}
              </th>
            </tr>
          </thead>
          <tbody>
            {round.proposal.outputs.lines.map((l) => {
              const amended = amendments.some((a) => a.municipality === l.municipality && a.item === l.item);
              return (
                <tr key={`${l.municipality}-${l.item}`} className={amended ? 'row-changed' : undefined}>
                  <th scope="row">{municipalityName(l.municipality)}</th>
                  <td>{itemName(l.item)}</td>
                  <td className="num">{n(l.need)}</td>
                  <td>{l.acute ? t('yes') : t('no')}</td>
                  <td className="num">{n(l.quantity)}</td>
                  <td className="num">
                    {approved ? n(planned(l.municipality, l.item)) : '–'}
                    {amended ? <span className="tag"> ({t('amended')})</span> : null}
                  </td>
                  <td className="num">{n(l.unmet)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {amendments.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>{t('amendmentsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('municipality')}</th>
                <th scope="col">{t('item')}</th>
                <th scope="col" className="num">
                  {t('proposed')}
                </th>
                <th scope="col" className="num">
                  {t('approved')}
                </th>
                <th scope="col">{t('reason')}</th>
              </tr>
            </thead>
            <tbody>
              {amendments.map((a) => (
                <tr key={`${a.municipality}-${a.item}`}>
                  <th scope="row">{municipalityName(a.municipality)}</th>
                  <td>{itemName(a.item)}</td>
                  <td className="num">{n(a.proposed)}</td>
                  <td className="num">{n(a.approved)}</td>
                  <td>{a.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="table-wrap">
        <table>
          <caption>{t('itemsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('item')}</th>
              <th scope="col" className="num">
                {t('available')}
              </th>
              <th scope="col" className="num">
                {t('allocated')}
              </th>
              <th scope="col" className="num">
                {t('unmet')}
              </th>
            </tr>
          </thead>
          <tbody>
            {round.proposal.outputs.items.map((i) => (
              <tr key={i.item}>
                <th scope="row">{itemName(i.item)}</th>
                <td className="num">{n(i.available)}</td>
                <td className="num">{n(i.allocated)}</td>
                <td className="num">{n(i.unmet)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};

/** What the round was told: the warehouse's supply and each municipality's figures, as recorded with the proposal. */
const Inputs = ({ round }: { round: Round }) => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const { supply = [], municipalities = [] } = round.proposal.inputs;
  const n = (x: number | null) => formatNumber(x, language);
  return (
    <section aria-labelledby="underlag-heading">
      <h2 id="underlag-heading">{t('inputsTitle')}</h2>
      <div className="table-wrap">
        <table>
          <caption>{t('supplyCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('item')}</th>
              <th scope="col" className="num">
                {t('available')}
              </th>
              <th scope="col" className="num">
                {t('packSize')}
              </th>
            </tr>
          </thead>
          <tbody>
            {supply.map((s) => (
              <tr key={s.item}>
                <th scope="row">{itemName(s.item)}</th>
                <td className="num">{n(s.available)}</td>
                <td className="num">{n(s.packSize)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {municipalities.length === 0 ? (
        <p>{t('noInputs')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t('inputsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('municipality')}</th>
                <th scope="col" className="num">
                  {t('infections')}
                </th>
                <th scope="col">{t('item')}</th>
                <th scope="col" className="num">
                  {t('projectedStock')}
                </th>
                <th scope="col" className="num">
                  {t('dailyUse')}
                </th>
                <th scope="col" className="num">
                  {t('requested')}
                </th>
              </tr>
            </thead>
            <tbody>
              {municipalities.flatMap((m) =>
                m.items.map((i) => (
                  <tr key={`${m.municipality}-${i.item}`}>
                    <th scope="row">
                      <Link to={streamPath(`municipality-${m.municipality}`)}>{municipalityName(m.municipality)}</Link>
                    </th>
                    <td className="num">{n(m.infections)}</td>
                    <td>{itemName(i.item)}</td>
                    <td className="num">{n(i.projectedStock)}</td>
                    <td className="num">{n(i.dailyUse)}</td>
                    <td className="num">{n(i.requested)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};

/** One decision: what was decided and on what, its drift, and its replay on request. */
export const DecisionPage = () => {
  const t = useTexts(auditorTexts);
  const { language } = useLanguage();
  const { allocationId = '' } = useParams();
  const round = useRound(allocationId);
  const waitFor = useWrittenPosition();
  const [replayAsked, setReplayAsked] = useState(false);
  const replay = useQuery({
    queryKey: ['replay', allocationId, waitFor],
    queryFn: () =>
      data(
        api.GET('/api/audit/allocation-rounds/{id}/replay', {
          params: { path: { id: allocationId }, query: waitFor ? { waitFor } : {} },
        }),
      ),
    enabled: replayAsked,
    // A replay is asked for: it runs when the button says so, not whenever the window regains focus.
    refetchOnWindowFocus: false,
    staleTime: Infinity,
  });
  const verdict = useRef<HTMLHeadingElement>(null);
  // When a replay's verdict arrives, focus goes to it: the one who asked hears the answer.
  useEffect(() => {
    if (replayAsked && replay.isSuccess && !replay.isFetching) verdict.current?.focus();
  }, [replayAsked, replay.isSuccess, replay.isFetching, replay.dataUpdatedAt]);

  const title = round.data ? t('decisionTitle', { time: formatDateTime(round.data.proposal.proposedAt, language) }) : t('roundTitle');
  return (
    <Page title={title}>
      <p>
        <Link to={round.data ? `${BASE}?lan=${round.data.county}` : BASE}>← {t('backToDecisions')}</Link>
      </p>
      <QueryState query={round}>
        {(r) => (
          <>
            {r.drift ? (
              <div className="alert alert-warning" role="note">
                <p>
                  <strong>
                    <span aria-hidden="true">⚠ </span>
                    {t('driftAlert')}
                  </strong>{' '}
                  {t('driftAlertText')} <a href={`#${DRIFT_SECTION_ID}`}>{t('driftAlertLink')}</a>
                </p>
              </div>
            ) : null}
            <Facts round={r} />
            <nav aria-label={t('actions')} className="button-row">
              <button type="button" className="primary" onClick={() => (replayAsked ? void replay.refetch() : setReplayAsked(true))}>
                {t('replay')}
              </button>
              <ButtonLink to={`${decisionPath(r.allocationId)}/tank-om`}>{t('whatIf')}</ButtonLink>
              <ButtonLink to={streamPath(`allocation-${r.allocationId}`)}>{t('roundEvents')}</ButtonLink>
            </nav>
            {replayAsked ? <ReplaySection query={replay} headingRef={verdict} /> : null}
            {r.drift ? <DriftSection drift={r.drift} /> : null}
            <Lines round={r} />
            <Inputs round={r} />
          </>
        )}
      </QueryState>
    </Page>
  );
};
