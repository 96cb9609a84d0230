import { Link } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { Moment, streamPath, useEventTypeName, useFieldName, useValueText } from './shared.js';
import { auditorTexts } from './texts.js';

type Drift = Schemas['DriftDto'];

export const DRIFT_SECTION_ID = 'andrat-underlag';

/**
 * What changed in a decision's basis since it was taken, as the service's drift read model found
 * it: the late fact that caused it (a link to that very event in its stream) and each figure that
 * differs, with a link to the municipality's own events where the fact sits among the rest.
 */
export const DriftSection = ({ drift }: { drift: Drift }) => {
  const t = useTexts(auditorTexts);
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const eventType = useEventTypeName();
  const fieldName = useFieldName();
  const value = useValueText();
  const municipalities = [...new Set(drift.differences.map((d) => d.municipality))];
  return (
    <section aria-labelledby={`${DRIFT_SECTION_ID}-heading`} id={DRIFT_SECTION_ID} className="card card-warning">
      <h2 id={`${DRIFT_SECTION_ID}-heading`} tabIndex={-1}>
        <span aria-hidden="true">⚠ </span>
        {t('driftTitle')}
      </h2>
      <p>{t('driftIntro')}</p>
      <dl className="facts">
        <dt>{t('driftCause')}</dt>
        <dd>
          {t('driftCauseValue', { type: eventType(drift.causedBy.type), stream: drift.causedBy.streamId })}{' '}
          <Link to={streamPath(drift.causedBy.streamId, drift.causedBy.eventId)}>{t('showCause')}</Link>
        </dd>
        <dt>{t('driftDetected')}</dt>
        <dd>
          <Moment iso={drift.detectedAt} />
        </dd>
      </dl>
      <div className="table-wrap">
        <table>
          <caption>{t('differencesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('municipality')}</th>
              <th scope="col">{t('item')}</th>
              <th scope="col">{t('field')}</th>
              <th scope="col" className="num">
                {t('atDecision')}
              </th>
              <th scope="col" className="num">
                {t('now')}
              </th>
            </tr>
          </thead>
          <tbody>
            {drift.differences.map((d) => (
              <tr key={`${d.municipality}-${d.item ?? ''}-${d.field}`}>
                <th scope="row">{municipalityName(d.municipality)}</th>
                <td>{d.item ? itemName(d.item) : t('wholeMunicipality')}</td>
                <td>{fieldName(d.field)}</td>
                <td className="num">{value(d.recorded)}</td>
                <td className="num">
                  <strong>{value(d.now)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="plain">
        {municipalities.map((code) => (
          <li key={code}>
            <Link to={streamPath(`municipality-${code}`)}>{t('municipalityEvents', { municipality: municipalityName(code) })}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
};
