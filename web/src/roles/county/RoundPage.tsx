import { Link, useParams } from 'react-router';
import { useItemName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { useFormat } from '../../ui/useFormat.js';
import { ProposalView } from '../rounds/ProposalView.js';
import { type Round, useRound } from '../rounds/queries.js';
import { DecisionView, DriftNotice, RoundFacts, useRoundName } from '../rounds/RoundParts.js';
import { municipalityPath, newNationalRequestPath, roundsPath } from './paths.js';
import { countyTexts } from './texts.js';
import { ButtonLink } from '../../ui/ButtonLink.js';

/** One round as the county board reads it: what it was based on, the proposal line by line, the decision, and the need left unmet. */
export const RoundPage = () => {
  const { id = '' } = useParams();
  const t = useTexts(countyTexts);
  const round = useRound(id);
  const roundName = useRoundName();
  return (
    <Page title={round.data ? roundName(round.data) : t('roundsTitle')} actions={<Link to={roundsPath}>{t('backToRounds')}</Link>}>
      <QueryState query={round}>
        {(r) => (
          <>
            <DriftNotice round={r} />
            <RoundFacts round={r} />
            <Unmet round={r} />
            <DecisionView round={r} />
            <ProposalView round={r} municipalityHref={municipalityPath} />
          </>
        )}
      </QueryState>
    </Page>
  );
};

/** What the round could not cover, per item, and the way to ask the national board for it. */
const Unmet = ({ round }: { round: Round }) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  const unmet = round.proposal.outputs.items.filter((i) => i.unmet > 0);
  if (unmet.length === 0) return <p>{t('allMet')}</p>;
  return (
    <section className="alert alert-warning" aria-labelledby="unmet-heading">
      <h2 id="unmet-heading">{t('unmetHeading')}</h2>
      <p>{t('unmetText', { list: unmet.map((i) => t('unmetItem', { item: itemName(i.item), quantity: f.number(i.unmet, 0) })).join(', ') })}</p>
      {round.status !== 'rejected' ? (
        <p>
          <ButtonLink to={newNationalRequestPath(round.allocationId)}>{t('raiseFromRound')}</ButtonLink>
        </p>
      ) : null}
    </section>
  );
};
