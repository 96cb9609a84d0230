import { useUser } from '../../auth/session.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, QueryState } from '../../ui/states.js';
import { useRounds } from '../rounds/queries.js';
import { RoundList } from '../rounds/RoundParts.js';
import { newRoundPath, roundPath } from './paths.js';
import { countyTexts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

/** The county's allocation rounds, and the way to open a new one. */
export const RoundsPage = () => {
  const t = useTexts(countyTexts);
  const user = useUser();
  const rounds = useRounds(user.county);
  return (
    <Page title={t('roundsTitle')} intro={<p>{t('roundsIntro')}</p>} actions={<ButtonLink to={newRoundPath}>{t('openRoundLink')}</ButtonLink>}>
      <QueryState query={rounds}>
        {(r) =>
          r.rounds.length === 0 ? (
            <EmptyState title={t('roundsEmpty')}>
              <p>{t('roundsEmptyText')}</p>
            </EmptyState>
          ) : (
            <RoundList rounds={r.rounds} caption={t('roundsCaption')} linkTo={roundPath} />
          )
        }
      </QueryState>
    </Page>
  );
};
