import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useItemName, useItems, useMunicipalityName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { Chart, CHART_COLORS } from '../../ui/Chart.js';
import { useFormat } from '../../ui/useFormat.js';
import type { AllocationLine, Round } from './queries.js';
import { lineAnchor } from './RoundParts.js';
import { roundTexts } from './texts.js';
import { TableWrap } from '../../ui/TableWrap.js';

export interface ProposalViewProps {
  readonly round: Round;
  /** The county board's link to a municipality's stock and reports (the meeting may not read those). */
  readonly municipalityHref?: (code: string) => string;
  /** The meeting, while the round awaits its decision: a control per line to change its quantity. */
  readonly amendCell?: (line: AllocationLine) => ReactNode;
}

/**
 * A round's proposal per item: every line with the inputs the policy was given for it (infections,
 * projected stock, daily use, request), what the policy judged it needs, whether the shortage was
 * acute, the quantity and the need left unmet — all as the service recorded them — and a chart of
 * need against the quantity. Once approved, the decided quantity (amendments included) beside it.
 */
export const ProposalView = ({ round, municipalityHref, amendCell }: ProposalViewProps) => {
  const t = useTexts(roundTexts);
  const { proposal } = round;
  const horizon = proposal.parameters.horizonDays;
  const acute = proposal.parameters.acuteDays;
  return (
    <section aria-labelledby="proposal-heading">
      <h2 id="proposal-heading">{t('proposalHeading')}</h2>
      {typeof horizon === 'number' && typeof acute === 'number' ? <p className="intro">{t('proposalIntro', { horizon, acute })}</p> : null}
      {proposal.outputs.items.map((outcome) => (
        <ItemProposal key={outcome.item} round={round} item={outcome.item} municipalityHref={municipalityHref} amendCell={amendCell} />
      ))}
    </section>
  );
};

const ItemProposal = ({ round, item, municipalityHref, amendCell }: ProposalViewProps & { item: string }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const itemName = useItemName();
  const items = useItems();
  const municipalityName = useMunicipalityName();
  const { proposal } = round;
  const outcome = proposal.outputs.items.find((i) => i.item === item)!;
  const supply = proposal.inputs.supply?.find((s) => s.item === item);
  const packSize = supply?.packSize ?? items.data?.items.find((i) => i.code === item)?.packSize;
  const lines = proposal.outputs.lines.filter((l) => l.item === item);
  const approved = round.status === 'approved';
  // The service's plan holds every approved line with a quantity; a line missing from it was decided at 0.
  const decided = (line: AllocationLine) => round.plan.find((p) => p.item === line.item && p.municipality === line.municipality)?.planned ?? 0;
  const inputsOf = (municipality: string) => {
    const m = proposal.inputs.municipalities?.find((x) => x.municipality === municipality);
    return { infections: m?.infections, figures: m?.items.find((i) => i.item === item) };
  };
  const name = itemName(item);
  const headingId = `proposal-${item}`;
  const quantityColumn = t(approved ? 'col.approved' : 'col.proposed');
  return (
    <section aria-labelledby={headingId} className="item-proposal">
      <h3 id={headingId}>{name}</h3>
      <p>
        {t('itemSummary', {
          available: f.number(outcome.available, 0),
          allocated: f.number(outcome.allocated, 0),
          unmet: f.number(outcome.unmet, 0),
          packSize: f.number(packSize, 0),
        })}
      </p>
      <TableWrap label={t('tableCaption', { item: name })}>
        <table className="wrapping-heads">
          <caption>{t('tableCaption', { item: name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.municipality')}</th>
              <th scope="col" className="num">
                {t('col.infections')}
              </th>
              <th scope="col" className="num">
                {t('col.projectedStock')}
              </th>
              <th scope="col" className="num">
                {t('col.dailyUse')}
              </th>
              <th scope="col" className="num">
                {t('col.requested')}
              </th>
              <th scope="col" className="num">
                {t('col.need')}
              </th>
              <th scope="col">{t('col.acute')}</th>
              <th scope="col" className="num">
                {t('col.proposed')}
              </th>
              {approved ? (
                <th scope="col" className="num">
                  {t('col.approved')}
                </th>
              ) : null}
              <th scope="col" className="num">
                {t(approved ? 'col.unmetProposed' : 'col.unmet')}
              </th>
              {amendCell ? <th scope="col">{t('col.amend')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const { infections, figures } = inputsOf(line.municipality);
              const mName = municipalityName(line.municipality);
              return (
                <tr key={line.municipality} id={lineAnchor(item, line.municipality)} className={line.acute ? 'acute' : undefined}>
                  <th scope="row">{municipalityHref ? <Link to={municipalityHref(line.municipality)}>{mName}</Link> : mName}</th>
                  <td className="num">{f.number(infections, 0)}</td>
                  <td className="num">{figures ? f.number(figures.projectedStock, 0) : t('noInputs')}</td>
                  <td className="num">{figures ? (figures.dailyUse === null ? t('unknown') : f.number(figures.dailyUse, 2)) : '–'}</td>
                  <td className="num">{f.number(figures?.requested, 0)}</td>
                  <td className="num">{f.number(line.need, 0)}</td>
                  <td>{line.acute ? <strong>{t('yes')}</strong> : t('no')}</td>
                  <td className="num">{f.number(line.quantity, 0)}</td>
                  {approved ? <td className="num">{f.number(decided(line), 0)}</td> : null}
                  <td className="num">{f.number(line.unmet, 0)}</td>
                  {amendCell ? <td>{amendCell(line)}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      {lines.some((line) => line.need > 0 || line.quantity > 0 || decided(line) > 0) ? (
        <Chart
          kind="bar"
          caption={t('chartCaption', { item: name, quantity: t(approved ? 'chartApproved' : 'chartProposed') })}
          x={t('col.municipality')}
          series={[
            { key: 'need', label: t('series.need'), color: CHART_COLORS[0] },
            { key: 'quantity', label: quantityColumn, color: CHART_COLORS[1] },
          ]}
          data={lines.map((line) => ({
            [t('col.municipality')]: municipalityName(line.municipality),
            need: line.need,
            quantity: approved ? decided(line) : line.quantity,
          }))}
        />
      ) : (
        <p>{t('noNeed', { item: name })}</p>
      )}
    </section>
  );
};
