import { useUser } from '../../auth/session.js';
import { LIVE_REFRESH_MS } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { useRounds } from '../rounds/queries.js';
import { RoundList } from '../rounds/RoundParts.js';
import { reviewPath } from './paths.js';
import { committeeTexts } from './texts.js';

/** The meeting's start page: the proposals awaiting its decision, and those it has decided. */
export const ProposalsPage = () => {
  const t = useTexts(committeeTexts);
  const c = useTexts(common);
  const user = useUser();
  // A proposal opened during the meeting shows up without a reload.
  const rounds = useRounds(user.county, { refetchInterval: LIVE_REFRESH_MS });
  return (
    <Page
      title={t('proposalsTitle')}
      intro={
        <>
          <p>{t('proposalsIntro')}</p>
          <p>{c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}</p>
        </>
      }
    >
      <QueryState query={rounds}>
        {(r) => {
          const awaiting = r.rounds.filter((x) => x.status === 'proposed');
          const decided = r.rounds.filter((x) => x.status !== 'proposed');
          return (
            <>
              <section aria-labelledby="awaiting">
                <h2 id="awaiting">{t('awaitingHeading')}</h2>
                {awaiting.length === 0 ? (
                  <EmptyState title={t('awaitingEmpty')}>
                    <p>{t('awaitingEmptyText')}</p>
                  </EmptyState>
                ) : (
                  <RoundList rounds={awaiting} caption={t('awaitingCaption')} linkTo={reviewPath} />
                )}
              </section>
              <section aria-labelledby="decided">
                <h2 id="decided">{t('decidedHeading')}</h2>
                {decided.length === 0 ? <p>{t('decidedEmpty')}</p> : <RoundList rounds={decided} caption={t('decidedCaption')} linkTo={reviewPath} />}
              </section>
            </>
          );
        }}
      </QueryState>
    </Page>
  );
};
