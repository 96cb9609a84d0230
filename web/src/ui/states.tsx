import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, type Schemas } from '../api/client.js';
import { formatDateTime } from '../i18n/format.js';
import { useLanguage, useTexts } from '../i18n/language.js';
import { common } from './texts.js';

/** While loading: said to screen readers too. */
export const Loading = () => {
  const t = useTexts(common);
  return (
    <p className="loading" role="status">
      {t('loading')}
    </p>
  );
};

/** A problem the API answered (or the network's failure), as the service worded it, in the page's language. */
export const ProblemMessage = ({ error, onRetry }: { error: unknown; onRetry?: () => void }) => {
  const t = useTexts(common);
  const problem = error instanceof ApiError ? error.problem : undefined;
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{problem?.title ?? t('loadFailed')}</strong>
        {problem?.detail ? ` ${problem.detail}` : null}
      </p>
      {problem?.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}-${e.code}`}>{e.message}</li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
};

/**
 * A query's loading and failure states, and its content once there. A failed refresh keeps what is
 * already on screen and says since when it is: a page that polls on an office network should not
 * turn into an error each time the network blinks.
 */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const t = useTexts(common);
  const { language } = useLanguage();
  if (query.isPending) return <Loading />;
  if (query.data === undefined) return <ProblemMessage error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <>
      {query.isError ? (
        <p className="alert alert-warning" role="status">
          {t('staleData', { time: formatDateTime(new Date(query.dataUpdatedAt).toISOString(), language) })}
        </p>
      ) : null}
      {children(query.data)}
    </>
  );
}

/** What an empty list means, and what to do about it. */
export const EmptyState = ({ title, children }: { title: string; children?: ReactNode }) => (
  <div className="empty">
    <p className="empty-title">{title}</p>
    {children}
  </div>
);

export type StockStatus = Schemas['StockStatus'];

/** A stock status in words and colour, never colour alone; "out" (nothing left) in the critical colour, as the worst. */
export const StatusBadge = ({ status }: { status: StockStatus }) => {
  const t = useTexts(common);
  return <span className={`badge badge-${status === 'out' ? 'critical' : status}`}>{t(`status.${status}`)}</span>;
};
