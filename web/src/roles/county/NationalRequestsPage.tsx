import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { api, data, type Schemas } from '../../api/client.js';
import { useItemName } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { useWrittenPosition } from '../../commands/written-position.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { useFormat } from '../../ui/useFormat.js';
import { waitingFor } from '../rounds/queries.js';
import { newNationalRequestPath, roundPath } from './paths.js';
import { countyTexts } from './texts.js';
import { TableWrap } from '../../ui/TableWrap.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

type NationalRequest = Schemas['NationalRequestRecord'];

/** What the raise form hands over: the request it recorded, to say so and mark its row. */
export interface RaisedState {
  readonly recorded?: string;
}

/** The county's national requests: what was asked, the national board's answers, what has arrived. */
export const NationalRequestsPage = () => {
  const t = useTexts(countyTexts);
  const user = useUser();
  const waitFor = useWrittenPosition();
  const location = useLocation();
  const recorded = (location.state as RaisedState | null)?.recorded;
  const requests = useQuery({
    queryKey: ['national-requests', user.county, waitFor],
    queryFn: () => data(api.GET('/api/national-requests', { params: { query: { county: user.county ?? '', ...waitingFor(waitFor) } } })),
  });
  return (
    <Page title={t('nationalTitle')} intro={<p>{t('nationalIntro')}</p>} actions={<ButtonLink to={newNationalRequestPath()}>{t('newRequestLink')}</ButtonLink>}>
      {recorded ? (
        <p role="status" className="alert alert-success">
          {t('requestRecorded')}
        </p>
      ) : null}
      <QueryState query={requests}>
        {(r) =>
          r.requests.length === 0 ? (
            <EmptyState title={t('requestsEmpty')}>
              <p>{t('requestsEmptyText')}</p>
            </EmptyState>
          ) : (
            <RequestTable requests={r.requests} recorded={recorded} />
          )
        }
      </QueryState>
    </Page>
  );
};

const RequestTable = ({ requests, recorded }: { requests: readonly NationalRequest[]; recorded: string | undefined }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  return (
    <TableWrap label={t('requestsCaption')}>
      <table>
        <caption>{t('requestsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.raised')}</th>
            <th scope="col">{t('col.raisedBy')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.requestLines')}</th>
            <th scope="col">{t('col.round')}</th>
            <th scope="col">{t('col.note')}</th>
            <th scope="col">{t('col.answer')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={r.requestId} id={`forfragan-${r.requestId}`} className={r.requestId === recorded ? 'just-recorded' : undefined}>
              <th scope="row">{f.dateTime(r.raised.at)}</th>
              <td>{r.raised.by.name ?? r.raised.by.sub}</td>
              <td>
                {r.answer ? (
                  <span className={`badge ${r.answer.outcome === 'refused' ? 'badge-critical' : 'badge-ok'}`}>{t(`outcome.${r.answer.outcome}`)}</span>
                ) : (
                  <span className="badge badge-low">{t(`request.${r.status}`)}</span>
                )}
              </td>
              <td>
                <ul className="plain">
                  {r.lines.map((l) => (
                    <li key={l.item}>
                      {t('requestLine', { item: itemName(l.item), quantity: f.number(l.quantity, 0) })}
                      {l.granted === null ? null : t('requestGranted', { granted: f.number(l.granted, 0) })}
                      {l.received > 0 ? t('requestReceived', { received: f.number(l.received, 0) }) : null}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{r.allocationId ? <Link to={roundPath(r.allocationId)}>{t('toRound')}</Link> : t('noRound')}</td>
              <td className="pre-line">{r.note ?? '–'}</td>
              <td>
                {r.answer ? (
                  <>
                    <p className="compact">{t('answeredOn', { outcome: t(`outcome.${r.answer.outcome}`), date: f.dateTime(r.answer.at) })}</p>
                    {r.answer.note ? <p className="compact pre-line">{r.answer.note}</p> : null}
                  </>
                ) : (
                  t('notYet')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
};
