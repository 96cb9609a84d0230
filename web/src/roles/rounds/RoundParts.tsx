import { Link } from 'react-router';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { common } from '../../ui/texts.js';
import { useFormat } from '../../ui/useFormat.js';
import type { Round, RoundStatus } from './queries.js';
import { roundTexts } from './texts.js';
import './rounds.css';
import { TableWrap } from '../../ui/TableWrap.js';

/** The anchor of a proposal line on a round's page: decisions, amendments and unmet need link to it. */
export const lineAnchor = (item: string, municipality: string): string => `rad-${item}-${municipality}`;

const STATUS_CLASS: Record<RoundStatus, string> = { proposed: 'badge-low', approved: 'badge-ok', rejected: 'badge-critical' };

/** A round's status in words (and colour, never colour alone). */
export const RoundStatusBadge = ({ status }: { status: RoundStatus }) => {
  const t = useTexts(roundTexts);
  return <span className={`badge ${STATUS_CLASS[status]}`}>{t(`status.${status}`)}</span>;
};

const KNOWN_ROLES = ['municipality', 'region', 'warehouse', 'county', 'committee', 'auditor', 'admin'] as const;

/** A role as people name it (the token's code for one the screens do not know). */
export const useRoleName = () => {
  const c = useTexts(common);
  return (role: string) => ((KNOWN_ROLES as readonly string[]).includes(role) ? c(`role.${role as (typeof KNOWN_ROLES)[number]}`) : role);
};

/** A round's name as people say it: by when it was proposed. */
export const useRoundName = () => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  return (round: Round) => t('roundName', { date: f.dateTime(round.proposal.proposedAt) });
};

const PARAMETER_KEYS = ['horizonDays', 'acuteDays', 'infectionWeight', 'wholePacks'] as const;

/** The policy's parameters as recorded, in words; any the screens do not know by name are shown by their key. */
const Parameters = ({ parameters }: { parameters: Round['proposal']['parameters'] }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const known = new Set<string>(PARAMETER_KEYS);
  const value = (v: number | boolean) => (typeof v === 'boolean' ? (v ? t('yes') : t('no')) : f.number(v, 2));
  return (
    <ul className="plain">
      {PARAMETER_KEYS.filter((key) => key in parameters).map((key) => (
        <li key={key}>
          {t(`param.${key}`)}: {value(parameters[key]!)}
        </li>
      ))}
      {Object.entries(parameters)
        .filter(([key]) => !known.has(key))
        .map(([key, v]) => (
          <li key={key}>
            {key}: {value(v)}
          </li>
        ))}
    </ul>
  );
};

/** What a round is: status, policy and parameters, where its inputs were read, who proposed it. */
export const RoundFacts = ({ round }: { round: Round }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const roleName = useRoleName();
  const { proposal } = round;
  return (
    <section className="card" aria-labelledby="round-facts">
      <h2 id="round-facts">{t('factsHeading')}</h2>
      <dl className="facts">
        <dt>{t('status')}</dt>
        <dd>
          <RoundStatusBadge status={round.status} />
        </dd>
        <dt>{t('proposedAt')}</dt>
        <dd>{f.dateTime(proposal.proposedAt)}</dd>
        <dt>{t('proposedBy')}</dt>
        <dd>{t('byWhom', { name: proposal.proposedBy.name ?? proposal.proposedBy.actor, role: roleName(proposal.proposedBy.role) })}</dd>
        <dt>{t('policy')}</dt>
        <dd>
          {proposal.policy.name}/{proposal.policy.version}
        </dd>
        <dt>{t('parameters')}</dt>
        <dd>
          <Parameters parameters={proposal.parameters} />
        </dd>
        <dt>{t('inputsAsOf')}</dt>
        <dd>{f.dateTime(proposal.inputs.asOf)}</dd>
        <dt>{t('inputsPosition')}</dt>
        <dd>{proposal.inputs.position}</dd>
        <dt>{t('warehouse')}</dt>
        <dd>{round.warehouseId}</dd>
      </dl>
    </section>
  );
};

/** The rounds as a table, each linking to its page. */
export const RoundList = ({ rounds, caption, linkTo }: { rounds: readonly Round[]; caption: string; linkTo: (allocationId: string) => string }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const itemName = useItemName();
  const roundName = useRoundName();
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.round')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.items')}</th>
            <th scope="col">{t('col.unmetNeed')}</th>
            <th scope="col">{t('col.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {rounds.map((round) => {
            const unmet = round.proposal.outputs.items.filter((i) => i.unmet > 0);
            return (
              <tr key={round.allocationId}>
                <th scope="row">
                  <Link to={linkTo(round.allocationId)}>{roundName(round)}</Link>
                </th>
                <td>
                  <RoundStatusBadge status={round.status} />
                </td>
                <td>{round.proposal.outputs.items.map((i) => itemName(i.item)).join(', ')}</td>
                <td>
                  {unmet.length === 0
                    ? t('noUnmet')
                    : unmet.map((i) => <div key={i.item}>{t('unmetOfItem', { item: itemName(i.item), quantity: f.number(i.unmet, 0) })}</div>)}
                </td>
                <td>
                  {round.decision
                    ? t('decidedOnBy', { date: f.dateTime(round.decision.decidedAt), names: round.decision.decidedBy.join(', ') })
                    : t('notDecided')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
};

/** The meeting's decision: who took it, its note, each amendment with a link to the line's inputs, and the plan it made. */
export const DecisionView = ({ round }: { round: Round }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const roleName = useRoleName();
  const { decision } = round;
  if (!decision) return null;
  return (
    <section aria-labelledby="round-decision">
      <h2 id="round-decision">{t('decisionHeading')}</h2>
      <dl className="facts">
        <dt>{t('outcome')}</dt>
        <dd>
          <RoundStatusBadge status={decision.outcome} />
        </dd>
        <dt>{t('decidedAt')}</dt>
        <dd>{f.dateTime(decision.decidedAt)}</dd>
        <dt>{t('decidedBy')}</dt>
        <dd>
          <ul className="plain">
            {decision.decidedBy.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </dd>
        <dt>{t('note')}</dt>
        <dd className="pre-line">{decision.note}</dd>
        <dt>{t('enteredBy')}</dt>
        <dd>{t('byWhom', { name: decision.enteredBy.name ?? decision.enteredBy.actor, role: roleName(decision.enteredBy.role) })}</dd>
        <dt>{t('recordedAt')}</dt>
        <dd>{f.dateTime(decision.recordedAt)}</dd>
      </dl>
      {decision.outcome === 'approved' ? (
        decision.amendments.length === 0 ? (
          <p>{t('noAmendments')}</p>
        ) : (
          <TableWrap label={t('amendmentsCaption')}>
            <table>
              <caption>{t('amendmentsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.municipality')}</th>
                  <th scope="col">{t('col.item')}</th>
                  <th scope="col" className="num">
                    {t('col.proposed')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.approved')}
                  </th>
                  <th scope="col">{t('col.reason')}</th>
                  <th scope="col">{t('col.inputs')}</th>
                </tr>
              </thead>
              <tbody>
                {decision.amendments.map((a) => (
                  <tr key={`${a.municipality}-${a.item}`}>
                    <th scope="row">{municipalityName(a.municipality)}</th>
                    <td>{itemName(a.item)}</td>
                    <td className="num">{f.number(a.proposed, 0)}</td>
                    <td className="num">{f.number(a.approved, 0)}</td>
                    <td className="pre-line">{a.reason}</td>
                    <td>
                      <a href={`#${lineAnchor(a.item, a.municipality)}`}>
                        {t('seeInputs', { municipality: municipalityName(a.municipality), item: itemName(a.item) })}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )
      ) : null}
      {decision.outcome === 'approved' ? <Plan round={round} /> : null}
    </section>
  );
};

/** The approved plan, drawn down by the dispatches made against it. */
const Plan = ({ round }: { round: Round }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  if (round.plan.length === 0) return <p>{t('planEmpty')}</p>;
  return (
    <>
      {round.closed ? <p>{t('planClosed')}</p> : null}
      <TableWrap label={t('planCaption')}>
        <table>
          <caption>{t('planCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.municipality')}</th>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.planned')}
              </th>
              <th scope="col" className="num">
                {t('col.dispatched')}
              </th>
              <th scope="col" className="num">
                {t('col.remaining')}
              </th>
              <th scope="col">{t('col.inputs')}</th>
            </tr>
          </thead>
          <tbody>
            {round.plan.map((line) => (
              <tr key={`${line.municipality}-${line.item}`}>
                <th scope="row">{municipalityName(line.municipality)}</th>
                <td>{itemName(line.item)}</td>
                <td className="num">{f.number(line.planned, 0)}</td>
                <td className="num">{f.number(line.dispatched, 0)}</td>
                <td className="num">{f.number(line.remaining, 0)}</td>
                <td>
                  <a href={`#${lineAnchor(line.item, line.municipality)}`}>
                    {t('seeInputs', { municipality: municipalityName(line.municipality), item: itemName(line.item) })}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
};

/** A late report or correction changed what the round was based on: say what, for the meeting and auditors to weigh. */
export const DriftNotice = ({ round }: { round: Round }) => {
  const t = useTexts(roundTexts);
  const f = useFormat();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  if (!round.drift) return null;
  const shown = (v: number | boolean | null) => (v === null ? '–' : typeof v === 'boolean' ? (v ? t('yes') : t('no')) : f.number(v, 2));
  return (
    <div className="alert alert-warning" role="note">
      <p>
        <strong>{t('driftTitle')}</strong> {t('driftText', { date: f.dateTime(round.drift.detectedAt) })}
      </p>
      <TableWrap label={t('driftTitle')}>
        <table>
          <caption className="visually-hidden">{t('driftTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.municipality')}</th>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.field')}</th>
              <th scope="col" className="num">
                {t('col.recorded')}
              </th>
              <th scope="col" className="num">
                {t('col.now')}
              </th>
            </tr>
          </thead>
          <tbody>
            {round.drift.differences.map((d) => (
              <tr key={`${d.municipality}-${d.item ?? ''}-${d.field}`}>
                <th scope="row">{municipalityName(d.municipality)}</th>
                <td>{d.item ? itemName(d.item) : '–'}</td>
                <td>{t(`drift.${d.field}`)}</td>
                <td className="num">{shown(d.recorded)}</td>
                <td className="num">{shown(d.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
};
