import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { LIVE_REFRESH_MS, useItemName } from '../../api/reference.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { BASE, CountyChooser, decisionPath, Moment, useAuditCounty, useCountyName } from './shared.js';
import { auditorTexts } from './texts.js';

type Round = Schemas['AllocationRoundWithDriftDto'];

/** A round's status in words, in a badge: never colour alone. */
export const RoundStatusBadge = ({ status }: { status: Round['status'] }) => {
  const t = useTexts(auditorTexts);
  const tone = status === 'approved' ? 'ok' : status === 'rejected' ? 'critical' : 'unknown';
  return <span className={`badge badge-${tone}`}>{t(`roundStatus.${status}`)}</span>;
};

/** Whether a round's basis changed after it was decided: a warning sign and words, or a plain "unchanged". */
export const DriftFlag = ({ drifted }: { drifted: boolean }) => {
  const t = useTexts(auditorTexts);
  return drifted ? (
    <span className="badge badge-low drift-flag">
      <span aria-hidden="true">⚠ </span>
      {t('driftFlag')}
    </span>
  ) : (
    <span className="muted">{t('noDrift')}</span>
  );
};

/** "Beslut": the county's allocation rounds, newest first, each with its decision and any drift. */
export const DecisionsPage = () => {
  const t = useTexts(auditorTexts);
  const c = useTexts(common);
  const { language } = useLanguage();
  const itemName = useItemName();
  const countyName = useCountyName();
  const { county } = useAuditCounty();
  const waitFor = useWrittenPosition();
  const rounds = useQuery({
    queryKey: ['allocation-rounds', county, waitFor],
    queryFn: () => data(api.GET('/api/allocation-rounds', { params: { query: { county, ...(waitFor ? { waitFor } : {}) } } })),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const name = countyName(county);
  return (
    <Page title={t('decisionsTitle')} intro={<p>{t('decisionsIntro')}</p>}>
      <CountyChooser />
      <p className="muted">{c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}</p>
      <QueryState query={rounds}>
        {({ rounds: list }) =>
          list.length === 0 ? (
            <EmptyState title={t('noDecisions', { county: name })}>
              <p>{t('noDecisionsText')}</p>
              <p>
                <Link to={`${BASE}/strom`}>{t('goToStreams')}</Link>
              </p>
            </EmptyState>
          ) : (
            <>
              {list.some((r) => r.drift) ? (
                <p className="alert alert-warning">
                  <span aria-hidden="true">⚠ </span>
                  {t('driftCount', { count: list.filter((r) => r.drift).length, total: list.length })}
                </p>
              ) : null}
              <div className="table-wrap">
                <table className="decisions">
                  <caption>{t('decisionsCaption', { county: name })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('colProposed')}</th>
                      <th scope="col">{t('colStatus')}</th>
                      <th scope="col">{t('colDecision')}</th>
                      <th scope="col">{t('colBasis')}</th>
                      <th scope="col">{t('colAllocated')}</th>
                      <th scope="col">{t('colPolicy')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((round) => (
                      <tr key={round.allocationId} className={round.drift ? 'row-drift' : undefined}>
                        <th scope="row">
                          <Link to={decisionPath(round.allocationId)}>{t('roundLink', { time: formatDateTime(round.proposal.proposedAt, language) })}</Link>
                          <br />
                          {/* Rounds proposed within a minute read alike: the start of the id tells them apart. */}
                          <code className="muted short-id">{round.allocationId.slice(0, 8)}</code>
                        </th>
                        <td>
                          <RoundStatusBadge status={round.status} />
                        </td>
                        <td>
                          {round.decision ? (
                            <>
                              <Moment iso={round.decision.decidedAt} />
                              <br />
                              <span className="muted">{round.decision.decidedBy.join(', ')}</span>
                            </>
                          ) : (
                            <span className="muted">{t('notDecided')}</span>
                          )}
                        </td>
                        <td>
                          <DriftFlag drifted={round.drift !== null} />
                        </td>
                        <td>
                          <ul className="plain">
                            {round.proposal.outputs.items.map((i) => (
                              <li key={i.item}>
                                {t('allocatedOf', {
                                  item: itemName(i.item),
                                  allocated: formatNumber(i.allocated, language),
                                  available: formatNumber(i.available, language),
                                })}
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td className="policy">
                          {round.proposal.policy.name}/{round.proposal.policy.version}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryState>
    </Page>
  );
};
